import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { Unit } from '../directory/unit.entity.js';
import { RoutingRule } from '../routing/routing-rule.entity.js';
import { TicketEvent } from '../tickets/ticket-event.entity.js';
import { Ticket } from '../tickets/ticket.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, listed once (ESM makes glob loading fragile). */
export const ENTITIES = [Area, Unit, Category, RoutingRule, User, Ticket, TicketEvent];
