import type { Server } from 'node:http';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Response } from 'express';
import { CallAnnouncements, type CallAnnouncement } from '../../intake/calls/call-announcements.js';
import { CallsService } from '../../intake/calls/calls.service.js';
import { groupedPhone } from './console-form.js';

/** A comment line every this often keeps proxies and the browser from taking the stream for dead. */
const HEARTBEAT_MS = 20_000;
/** How often a stream checks that the server still listens (a stopping instance ends its streams, see `open`). */
const CHECK_MS = 1000;

/** The event a console's script receives for a call. */
export const callEvent = (a: CallAnnouncement) => ({
  callId: a.callId,
  callerNumber: a.callerNumber,
  callerDisplay: groupedPhone(a.callerNumber),
  startedAt: a.startedAt,
  operator: a.operator,
  ticketCode: a.ticketCode ?? null,
});

/**
 * The consoles' server-sent events (GET /tong-dai/cuoc-goi): each open console gets the calls announced for its
 * operator (or for nobody in particular) as `call` events, from whichever instance the exchange reached (Redis
 * pub/sub, CallAnnouncements), first the calls still waiting when it connects (also after a reconnection, and after
 * the subscription was broken), and a `call` event with `ticketCode` when a call got its ticket. A stream ends when
 * the application closes or the instance stops listening (a deploy), so it never holds a shutdown; the browser's
 * EventSource then connects again, to another instance.
 */
@Injectable()
export class ConsoleFeed implements OnModuleDestroy {
  private readonly streams = new Set<() => void>();

  constructor(
    private readonly announcements: CallAnnouncements,
    private readonly calls: CallsService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async open(username: string, res: Response): Promise<void> {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    res.flushHeaders();
    const shown = new Set<string>();
    let ended = false;
    const write = (text: string) => {
      if (!ended) res.write(text);
    };
    const send = (a: CallAnnouncement) => {
      if (a.operator && a.operator !== username) return;
      if (!a.ticketCode) {
        if (shown.has(a.callId)) return;
        shown.add(a.callId);
      } else if (!shown.has(a.callId)) return;
      write(`event: call\ndata: ${JSON.stringify(callEvent(a))}\n\n`);
    };
    const catchUp = async () => {
      try {
        for (const a of (await this.calls.pendingFor(username)).reverse()) send(a);
      } catch {
        // the database away for a moment: the next reconnection catches up
      }
    };
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const listening = server?.listening ?? false;
    let beats = 0;
    const timer = setInterval(() => {
      if (listening && !server?.listening) return end();
      if (++beats * CHECK_MS >= HEARTBEAT_MS) {
        beats = 0;
        write(': còn kết nối\n\n');
      }
    }, CHECK_MS);
    timer.unref();
    let stop: (() => void) | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      stop?.();
      this.streams.delete(end);
      res.end();
    };
    this.streams.add(end);
    res.on('close', end);
    // listening first, then the calls waiting: nothing announced in between is missed
    stop = await this.announcements.listen({ call: send, resync: () => void catchUp() });
    if (ended) return stop();
    write('retry: 3000\n\n');
    await catchUp();
  }

  onModuleDestroy(): void {
    for (const end of [...this.streams]) end();
  }
}
