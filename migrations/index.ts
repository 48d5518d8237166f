/** Every migration, in order. `npm run migration:generate -- <Name>` writes a new one; add it here. */
import { Init1795836425139 } from './1795836425139-Init.js';

export const MIGRATIONS: Function[] = [Init1795836425139];
