export default async function globalTeardown() {
  await globalThis.__embeddedTestServer?.stop();
}
