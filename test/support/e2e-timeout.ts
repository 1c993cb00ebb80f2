// e2e tests wait on a real broker and database; a generous bound, never a sleep.
jest.setTimeout(90_000);
