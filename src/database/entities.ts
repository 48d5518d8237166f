import { AuditEntry } from '../audit/audit-entry.entity.js';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { Unit } from '../directory/unit.entity.js';
import { RoutingRule } from '../routing/routing-rule.entity.js';
import { TicketEvent } from '../tickets/ticket-event.entity.js';
import { Ticket } from '../tickets/ticket.entity.js';
import { TicketStateSpan } from '../tickets/ticket-state-span.entity.js';
import { StaffIdempotencyKey } from '../tickets/staff-idempotency-key.entity.js';
import { User } from '../users/user.entity.js';
import { JobHealth } from '../scheduler/job-health.entity.js';
import { ScheduledRun } from '../scheduler/scheduled-run.entity.js';
import { AppInstall } from '../intake/app-install.entity.js';
import { Attachment } from '../tickets/attachment.entity.js';
import { AttachmentContent } from '../attachments/attachment-content.entity.js';
import { Call } from '../intake/call.entity.js';
import { ChannelToken } from '../intake/channel-token.entity.js';
import { TicketSource } from '../tickets/ticket-source.entity.js';
import { TicketExtensionRequest } from '../tickets/extension-request.entity.js';
import { SentReport } from '../reports/sent-report.entity.js';
import { ReportSchedule } from '../reports/report-schedule.entity.js';
import { CalendarDayRow } from '../calendar/calendar-day.entity.js';
import { OutboxMessage } from '../notifications/outbox-message.entity.js';
import { RecipientList } from '../notifications/recipient-list.entity.js';
import { ApiClient } from '../open311/api-client.entity.js';
import { CaughtMailEntry } from '../notifications/caught-mail.entity.js';

/** Every entity, listed once (ESM makes glob loading fragile). */
export const ENTITIES = [Area, Unit, Category, RoutingRule, User, Ticket, TicketEvent, CalendarDayRow, OutboxMessage, RecipientList, ScheduledRun, AppInstall, SentReport, TicketSource, Attachment, AttachmentContent, Call, ChannelToken, JobHealth, TicketStateSpan, StaffIdempotencyKey, AuditEntry, ReportSchedule, ApiClient, TicketExtensionRequest, CaughtMailEntry];
