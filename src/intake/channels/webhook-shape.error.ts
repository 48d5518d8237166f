/**
 * A webhook body whose top-level shape is not what the platform documents (not an object, no `entry` array, a Zalo
 * message event without `message.msg_id`, ...). The HTTP layer answers it with 400; it never means "store nothing and
 * say 200". The message is English, for logs; `path` names the offending field.
 */
export class WebhookShapeError extends Error {
  override readonly name = 'WebhookShapeError';
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}
