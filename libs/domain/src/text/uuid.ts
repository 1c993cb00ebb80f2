const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an id from outside (a path, a message) has the form of Wissel's ids, any case. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
