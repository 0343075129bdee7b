// A static file server on a free loopback port, for tests and benchmarks that load built
// pages in Chromium: each request path is looked up under the first matching prefix's
// folder, never outside it.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };

/** Serves `roots` (`[[prefix, folder], ...]`, most specific first); resolves to
 * `{ server, url }` with `url` ending in `/`. */
export async function serveStatic(roots) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    const [prefix, dir] = roots.find(([p]) => path.startsWith(p)) ?? [];
    try {
      if (!dir) throw new Error("not found");
      const file = normalize(join(dir, path.slice(prefix.length) || "index.html"));
      if (!file.startsWith(dir) || !(await stat(file)).isFile()) throw new Error("not found");
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      response.end(await readFile(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return { server, url: `http://localhost:${server.address().port}/` };
}
