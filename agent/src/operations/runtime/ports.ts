/** Ports for the managed app, on 127.0.0.1 only. */
import { createServer } from "node:net";

/** Binds `port` (0: any) on 127.0.0.1 and lets it go again; resolves with the port, or null when it is taken. */
function tryBind(port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(null);
      else reject(error);
    });
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address !== null ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

export async function isPortFree(port: number): Promise<boolean> {
  return (await tryBind(port)) !== null;
}

/** A port the system just gave out: free now, and unlikely to be given again at once. */
export async function freePort(): Promise<number> {
  const port = await tryBind(0);
  if (port === null) throw new Error("no free port on 127.0.0.1");
  return port;
}
