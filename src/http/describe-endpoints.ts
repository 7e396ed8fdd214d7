/** Where an operator opens the hub's pages: full URLs under PUBLIC_URL, the address people and platforms reach. */
export type Endpoints = { web: string; metrics: string; queues: string };

export function describeEndpoints(publicUrl: string): Endpoints & { text: string } {
  const base = publicUrl.replace(/\/+$/, '');
  const endpoints = { web: `${base}/`, metrics: `${base}/metrics`, queues: `${base}/admin/queues` };
  // `/` is the sign-in page (src/web/routes/login-routes.ts); it says itself that the dashboard pages come next.
  return {
    ...endpoints,
    text: `web ${endpoints.web} (sign-in; dashboard pages not built yet), metrics ${endpoints.metrics}, queues ${endpoints.queues} (admin token)`,
  };
}
