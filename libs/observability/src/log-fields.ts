/**
 * The structured fields of a log record: the ids an operator filters by. Call sites may pass
 * them as an object (`logger.log('…', { job_id, actor })`); the services' existing sentences
 * ("job <uuid> failed", "purge plan <uuid> confirmed by ops") yield them too, so every line
 * about a job can be found by its job_id without rewriting each message.
 */

/** The field names a record may carry, in the order they are printed. */
export const LOG_FIELDS = ['job_id', 'plan_id', 'rebuild_id', 'event_id', 'actor'] as const;
export type LogFieldName = (typeof LOG_FIELDS)[number];
export type LogFields = Partial<Record<LogFieldName, string>>;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ID_AFTER: ReadonlyArray<[LogFieldName, RegExp]> = [
  ['job_id', new RegExp(`\\bjob (${UUID})\\b`, 'i')],
  ['plan_id', new RegExp(`\\bplan (${UUID})\\b`, 'i')],
  ['rebuild_id', new RegExp(`\\brebuild (${UUID})\\b`, 'i')],
  ['event_id', new RegExp(`\\bevent (${UUID})\\b`, 'i')],
];
// "purge plan <id> by ops: …", "… confirmed by ops", "rebuild <id> by ops failed": the actor of a
// plan or a rebuild. Elsewhere "by" names a signal or a replica, not a person.
const ACTOR = new RegExp(`\\b(?:plan|rebuild) ${UUID}(?: confirmed)? by ([\\w.@-]+?)(?=[:,;]?(?:\\s|$))`, 'i');

/** The ids a sentence names: only UUIDs right after their noun, so nothing else is mistaken for one. */
export function fieldsInText(text: string): LogFields {
  const fields: LogFields = {};
  for (const [name, pattern] of ID_AFTER) {
    const found = pattern.exec(text)?.[1];
    if (found) fields[name] = found.toLowerCase();
  }
  const actor = ACTOR.exec(text)?.[1];
  if (actor) fields.actor = actor;
  return fields;
}

/** Fields given explicitly, from a params object; an actor object ({ kind, id }) becomes its id. */
export function fieldsInParams(params: Record<string, unknown> | undefined): LogFields {
  const fields: LogFields = {};
  if (!params) return fields;
  for (const name of LOG_FIELDS) {
    const value = params[name];
    if (typeof value === 'string' && value) fields[name] = value;
    else if (name === 'actor' && typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string')
      fields.actor = (value as { id: string }).id;
  }
  return fields;
}
