/**
 * Where the e2e suite finds its services. scripts/test.sh starts them when missing; a
 * developer can point the suite elsewhere with these variables.
 */
export const testEnv = {
  kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  /** A database the suite may create and drop databases from. */
  adminDatabaseUrl:
    process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};

export function databaseUrl(name: string): string {
  const url = new URL(testEnv.adminDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
