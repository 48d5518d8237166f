/** Every migration, in order. `npm run migration:generate -- <Name>` writes a new one; add it here. */
import { Init1795836425139 } from './1795836425139-Init.js';
import { DeadlinesAndOutbox1795837061480 } from './1795837061480-DeadlinesAndOutbox.js';
import { ScheduledRuns1795837308259 } from './1795837308259-ScheduledRuns.js';
import { AppInstallsAndReports1795837397404 } from './1795837397404-AppInstallsAndReports.js';
import { Channels1795837551168 } from './1795837551168-Channels.js';
import { TicketsFillfactor1795838135171 } from './1795838135171-TicketsFillfactor.js';
import { SweepIndexesAndJobHealth1796297906302 } from './1796297906302-SweepIndexesAndJobHealth.js';
import { TicketStateSpans1796298600000 } from './1796298600000-TicketStateSpans.js';
import { UserSessionsValidFrom1796305760928 } from './1796305760928-UserSessionsValidFrom.js';
import { StaffIdempotencyKeys1796400000000 } from './1796400000000-StaffIdempotencyKeys.js';
import { AttachmentContents1796400100000 } from './1796400100000-AttachmentContents.js';
import { OverdueSpanIndexes1796400200000 } from './1796400200000-OverdueSpanIndexes.js';
import { CallOperator1796400350000 } from './1796400350000-CallOperator.js';
import { AuditEntries1796400400000 } from './1796400400000-AuditEntries.js';
import { TicketsDuplicateOfIndex1796400500000 } from './1796400500000-TicketsDuplicateOfIndex.js';
import { CaughtMails1796400600000 } from './1796400600000-CaughtMails.js';
import { ReportSchedule1796400700000 } from './1796400700000-ReportSchedule.js';
import { ApiClients1796400900000 } from './1796400900000-ApiClients.js';
import { PublishedAnswers1796401100000 } from './1796401100000-PublishedAnswers.js';
import { ExtensionRequests1796401200000 } from './1796401200000-ExtensionRequests.js';
import { CitizenFeedback1796401500000 } from './1796401500000-CitizenFeedback.js';
import { AreaSuccessionsAndUnitNames1796401300000 } from './1796401300000-AreaSuccessionsAndUnitNames.js';
import { OverdueCounts1796401600000 } from './1796401600000-OverdueCounts.js';
import { SweepLookupIndexes1796401700000 } from './1796401700000-SweepLookupIndexes.js';
import { TicketStateCounts1796401800000 } from './1796401800000-TicketStateCounts.js';
import { QueueLookupIndexes1796401900000 } from './1796401900000-QueueLookupIndexes.js';

export const MIGRATIONS: Function[] = [Init1795836425139, DeadlinesAndOutbox1795837061480, ScheduledRuns1795837308259, AppInstallsAndReports1795837397404, Channels1795837551168, TicketsFillfactor1795838135171, SweepIndexesAndJobHealth1796297906302, TicketStateSpans1796298600000, UserSessionsValidFrom1796305760928, StaffIdempotencyKeys1796400000000, AttachmentContents1796400100000, OverdueSpanIndexes1796400200000, CallOperator1796400350000, AuditEntries1796400400000, TicketsDuplicateOfIndex1796400500000, CaughtMails1796400600000, ReportSchedule1796400700000, ApiClients1796400900000, PublishedAnswers1796401100000, ExtensionRequests1796401200000, AreaSuccessionsAndUnitNames1796401300000, CitizenFeedback1796401500000, OverdueCounts1796401600000, SweepLookupIndexes1796401700000, TicketStateCounts1796401800000, QueueLookupIndexes1796401900000];
