// The HTTP API, on node:http:
//   GET    /prototypes       list
//   POST   /prototypes       create from a JSON body
//   GET    /prototypes/:id   one prototype
//   DELETE /prototypes/:id   delete it
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { PrototypeRepository } from "../prototypes/repository.js";
import { parseNewPrototype } from "../prototypes/validate.js";
import { HttpError, toErrorResponse } from "./errors.js";

const MAX_BODY_BYTES = 64 * 1024;
const MAX_INT4 = 2 ** 31 - 1;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "body_too_large", `the body must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "invalid_json", "the body is not valid JSON");
  }
}

/** The `:id` of /prototypes/:id, which must be a key the integer column can hold. */
function parseId(text: string): number {
  const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(id >= 1 && id <= MAX_INT4)) throw new HttpError(404, "not_found", `no prototype with id ${JSON.stringify(text)}`);
  return id;
}

function methodNotAllowed(allowed: string[]): never {
  throw new HttpError(405, "method_not_allowed", `allowed methods: ${allowed.join(", ")}`, { allow: allowed.join(", ") });
}

async function route(repository: PrototypeRepository, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  const [collection, idText, ...rest] = pathname.split("/").filter(Boolean);
  if (collection !== "prototypes" || rest.length > 0) throw new HttpError(404, "not_found", `no route for ${pathname}`);

  if (idText === undefined) {
    if (req.method === "GET") return sendJson(res, 200, await repository.list());
    if (req.method === "POST") return sendJson(res, 201, await repository.create(parseNewPrototype(await readJson(req))));
    methodNotAllowed(["GET", "POST"]);
  }

  const id = parseId(idText);
  if (req.method === "GET") {
    const prototype = await repository.get(id);
    if (!prototype) throw new HttpError(404, "not_found", `no prototype with id ${id}`);
    return sendJson(res, 200, prototype);
  }
  if (req.method === "DELETE") {
    if (!(await repository.remove(id))) throw new HttpError(404, "not_found", `no prototype with id ${id}`);
    res.writeHead(204).end();
    return;
  }
  methodNotAllowed(["GET", "DELETE"]);
}

export function createApp(repository: PrototypeRepository): Server {
  return createServer((req, res) => {
    route(repository, req, res).catch((error: unknown) => {
      const { status, body, headers } = toErrorResponse(error);
      if (status >= 500) console.error(`${req.method} ${req.url} failed:`, error);
      sendJson(res, status, body, headers);
    });
  });
}
