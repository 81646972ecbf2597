/**
 * The typed REST client. Paths, parameters and bodies are checked against
 * `schema.d.ts`, which is generated from the control plane's OpenAPI document
 * (`npm run gen:api`), so a server change that breaks the UI fails the build.
 */
import createClient, { type Middleware } from "openapi-fetch";
import { session } from "../session.svelte";
import { problemFrom } from "./problem";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token;
    if (token !== null) request.headers.set("authorization", `Bearer ${token}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.ok) return response;
    const problem = await problemFrom(response.clone());
    if (problem.status === 401) session.rejectToken(problem.message);
    throw problem;
  },
};

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "" });
api.use(auth);

/**
 * Unwraps an openapi-fetch result to its data. Failures never get here: the
 * middleware above throws an ApiProblem for every non-2xx response.
 */
export async function call<T>(pending: Promise<{ data?: T }>): Promise<T> {
  return (await pending).data as T;
}
