// A third-party ActivityPub peer for the hub's interop test: a Fedify
// Federation (the npm package @fedify/fedify, pinned in package.json) with
// one actor, served over plain HTTP on a loopback port.
//
//   node fedify_peer.mjs [--port N] [--http-host HOST:PORT ...]
//
// On start it prints one JSON line on stdout:
//   {"ready":true,"port":N,"origin":"http://127.0.0.1:N","actor":"..."}
// and then serves until stdin closes or it gets SIGTERM/SIGINT.
//
// Control interface (same port, JSON in and out; loopback only):
//   POST /control/lookup  {"id": URL or "@name@host"}  -> {actor, inbox,...}
//   POST /control/follow  {"actor": URL}               -> {ok, id, sent}
//   POST /control/create  {"to": URL, "content": HTML, "public": bool}
//                         -> {ok, id, note,...} (public: to Public too)
//   POST /control/like    {"to": URL, "object": URL}   -> {ok, id, sent}
//   POST /control/undo    {"id": id of an activity sent by /control/*}
//   GET  /control/state   -> {received, inboxPosts, sent, actorGets,
//                              accepts}
//
// received: the activities that Fedify's inbox dispatched to our listener.
// Fedify dispatches only activities whose signature it verified (HTTP
// Signatures here, since the hub sends neither LD signatures nor proofs)
// and whose actor owns the signing key; anything else gets a 401 and never
// reaches the listener.
// inboxPosts: every POST to an inbox with Fedify's answer, plus the result
// of Fedify's verifyRequest() run on its own (the key it verified with).
// sent: every request Fedify made with fetch() (deliveries, key and actor
// fetches, WebFinger) with the peer's answer.
// actorGets: each GET of our actor, with the key Fedify verified its
// signature with (null when unsigned or not verified).
// accepts: Follows of our actor are accepted at once; what that gave.
//
// Fedify's WebFinger client builds https:// URLs; --http-host HOST:PORT
// makes the fetch wrapper below send those for HOST:PORT over plain http.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { argv, exit, stdin, stdout, stderr } from "node:process";
import { Temporal } from "@js-temporal/polyfill";
import {
	Accept,
	Activity,
	Create,
	Endpoints,
	Follow,
	Like,
	MemoryKvStore,
	Note,
	PUBLIC_COLLECTION,
	Person,
	Undo,
	createFederation,
	generateCryptoKeyPair,
	getDocumentLoader,
	verifyRequest,
} from "@fedify/fedify";

const IDENT = "peer";
const opts = { port: 0, httpHosts: new Set() };
for (let i = 2; i < argv.length; i++) {
	if (argv[i] === "--port") opts.port = Number(argv[++i]);
	else if (argv[i] === "--http-host") opts.httpHosts.add(argv[++i]);
	else {
		stderr.write(`fedify_peer: unknown argument ${argv[i]}\n`);
		exit(2);
	}
}

if (process.env.FEDIFY_PEER_DEBUG) {
	const { configure, getConsoleSink } = await import("@logtape/logtape");
	await configure({
		sinks: { console: getConsoleSink() },
		loggers: [
			{ category: "fedify", lowestLevel: "debug", sinks: ["console"] },
			{ category: ["logtape", "meta"], lowestLevel: "warning",
			  sinks: ["console"] },
		],
	});
}

// ---- what the test reads back ----
const received = [];
const inboxPosts = [];
const sent = [];
const actorGets = [];
const accepts = []; // our answers to Follows: {follow, ok, error}
const mine = new Map(); // id -> activity we sent (for Undo)

// Fedify sends with the global fetch: record each exchange, and map
// https:// to http:// for the hosts named with --http-host.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
	let req = new Request(input, init);
	const u = new URL(req.url);
	if (u.protocol === "https:" && opts.httpHosts.has(u.host)) {
		u.protocol = "http:";
		req = new Request(u, req);
	}
	const rec = { method: req.method, url: req.url,
		      headers: Object.fromEntries(req.headers),
		      body: req.method === "POST" ?
			    await req.clone().text() : null };
	sent.push(rec);
	try {
		const res = await realFetch(req);
		rec.status = res.status;
		rec.response = await res.clone().text();
		return res;
	} catch (e) {
		rec.error = String(e);
		throw e;
	}
};

const keys = [
	await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"),
	await generateCryptoKeyPair("Ed25519"),
];

const federation = createFederation({
	kv: new MemoryKvStore(),
	allowPrivateAddress: true, // the hub is on 127.0.0.1
	signatureTimeWindow: { hours: 1 },
});

federation
	.setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
		if (identifier !== IDENT) return null;
		const pairs = await ctx.getActorKeyPairs(identifier);
		return new Person({
			id: ctx.getActorUri(identifier),
			preferredUsername: identifier,
			name: "Fedify interop peer",
			summary: "A Fedify 1.5 actor run by the hub's tests.",
			inbox: ctx.getInboxUri(identifier),
			endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
			url: ctx.getActorUri(identifier),
			manuallyApprovesFollowers: false,
			// The RSA key for HTTP Signatures; every key as a Multikey
			// for Object Integrity Proofs (Ed25519).
			publicKey: pairs[0].cryptographicKey,
			assertionMethods: pairs.map((p) => p.multikey),
		});
	})
	.setKeyPairsDispatcher(async (_ctx, identifier) =>
		identifier === IDENT ? keys : [])
	// Every GET of the actor is served; the record says whether it was
	// signed and whose key Fedify verified the signature with.
	.authorize(async (ctx, identifier, signedKey, signedKeyOwner) => {
		actorGets.push({
			identifier,
			signature: ctx.request.headers.get("signature"),
			verifiedKey: signedKey?.id?.href ?? null,
			keyOwner: signedKeyOwner?.id?.href ?? null,
		});
		return true;
	});

// One listener for every activity type: Fedify routes a subclass (Accept,
// Create, Undo ...) to the nearest registered class.
federation
	.setInboxListeners("/users/{identifier}/inbox", "/inbox")
	.on(Activity, async (ctx, activity) => {
		const json = await activity.toJsonLd({ format: "compact",
						       contextLoader:
							   ctx.contextLoader });
		let object = null;
		try {
			const o = await activity.getObject({ crossOrigin: "trust" });
			object = o == null ? null : await o.toJsonLd({
				format: "compact", contextLoader: ctx.contextLoader });
		} catch (e) {
			object = { error: String(e) };
		}
		received.push({
			type: json.type,
			id: activity.id?.href ?? null,
			actor: activity.actorId?.href ?? null,
			objectId: activity.objectId?.href ?? null,
			recipient: ctx.recipient ?? null,
			verified: true,
			json,
			object,
		});
		if (activity instanceof Follow &&
		    activity.objectId?.href === ctx.getActorUri(IDENT).href)
			// Accept after the inbox has answered, as a server
			// with a queue would.
			setImmediate(() => acceptFollow(ctx, activity));
	})
	.onError(async (_ctx, error) => {
		stderr.write(`fedify_peer: inbox listener: ${error}\n`);
	});

// ---- sending ----
async function acceptFollow(ctx, follow) {
	const rec = { follow: follow.id?.href ?? null, ok: false };
	accepts.push(rec);
	try {
		const follower = await follow.getActor();
		await ctx.sendActivity({ identifier: IDENT }, follower,
				       new Accept({ id: newId(ctx, "accepts"),
						    actor: follow.objectId,
						    object: follow }),
				       { immediate: true });
		rec.ok = true;
	} catch (e) {
		rec.error = String(e);
	}
}

function ctxFor(origin) {
	return federation.createContext(new URL(origin), undefined);
}

async function lookupActor(ctx, id) {
	const actor = await ctx.lookupObject(id);
	if (actor == null || actor.inboxId == null)
		throw new Error(`no actor with an inbox at ${id}`);
	return actor;
}

// Send activity to recipient; report what the peer answered.
async function deliver(ctx, recipient, activity, shared) {
	const n = sent.length;
	let error = null;
	try {
		await ctx.sendActivity({ identifier: IDENT }, recipient, activity,
				       { immediate: true,
					 preferSharedInbox: !!shared });
	} catch (e) {
		error = String(e);
	}
	const posts = sent.slice(n).filter((r) => r.method === "POST");
	mine.set(activity.id.href, { activity, recipient });
	return { ok: error == null, error, id: activity.id.href,
		 sent: posts.map((r) => ({ url: r.url, status: r.status,
					   response: r.response,
					   headers: r.headers,
					   body: r.body })) };
}

function newId(ctx, kind) {
	return new URL(`/${kind}/${randomUUID()}`, ctx.origin);
}

const control = {
	async lookup(ctx, q) {
		const a = await lookupActor(ctx, q.id);
		return { actor: a.id?.href, inbox: a.inboxId?.href,
			 sharedInbox: a.endpoints?.sharedInbox?.href ?? null,
			 preferredUsername: a.preferredUsername?.toString(),
			 publicKey: (await a.getPublicKey())?.id?.href ?? null };
	},
	async follow(ctx, q) {
		const them = await lookupActor(ctx, q.actor);
		const follow = new Follow({ id: newId(ctx, "follows"),
					    actor: ctx.getActorUri(IDENT),
					    object: them.id });
		return deliver(ctx, them, follow, q.shared);
	},
	async create(ctx, q) {
		const them = await lookupActor(ctx, q.to);
		// public: a post into a community, as Lemmy addresses it.
		const tos = q.public ? [PUBLIC_COLLECTION, them.id] : [them.id];
		const note = new Note({
			id: newId(ctx, "notes"),
			attribution: ctx.getActorUri(IDENT),
			content: q.content,
			tos,
			published: Temporal.Now.instant(),
		});
		const create = new Create({ id: newId(ctx, "creates"),
					    actor: ctx.getActorUri(IDENT),
					    object: note, tos,
					    published: note.published });
		const r = await deliver(ctx, them, create, q.shared);
		return { ...r, note: note.id.href };
	},
	async like(ctx, q) {
		const them = await lookupActor(ctx, q.to);
		const like = new Like({ id: newId(ctx, "likes"),
					actor: ctx.getActorUri(IDENT),
					object: new URL(q.object), to: them.id });
		return deliver(ctx, them, like, q.shared);
	},
	async undo(ctx, q) {
		const was = mine.get(q.id);
		if (was == null) throw new Error(`nothing sent with id ${q.id}`);
		const undo = new Undo({ id: newId(ctx, "undos"),
					actor: ctx.getActorUri(IDENT),
					object: was.activity,
					to: was.recipient.id });
		return deliver(ctx, was.recipient, undo, q.shared);
	},
};

// ---- serving: node:http in front of federation.fetch ----
function toRequest(req, body, origin) {
	const headers = new Headers();
	for (let i = 0; i < req.rawHeaders.length; i += 2)
		headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
	const hasBody = req.method !== "GET" && req.method !== "HEAD";
	return new Request(new URL(req.url, origin), {
		method: req.method, headers,
		body: hasBody ? body : undefined,
	});
}

async function send(res, response) {
	const body = Buffer.from(await response.arrayBuffer());
	const headers = Object.fromEntries(response.headers);
	headers["content-length"] = String(body.length);
	res.writeHead(response.status, headers);
	res.end(body);
}

function json(status, doc) {
	return new Response(JSON.stringify(doc), {
		status, headers: { "Content-Type": "application/json" } });
}

async function handle(req, body, origin) {
	const ctx = ctxFor(origin);
	const url = new URL(req.url, origin);
	if (url.pathname === "/control/state" && req.method === "GET")
		return json(200, { received, inboxPosts, sent, actorGets,
					  accepts });
	const cmd = url.pathname.startsWith("/control/") &&
		    control[url.pathname.slice(9)];
	if (cmd && req.method === "POST") {
		try {
			return json(200, await cmd(ctx, JSON.parse(body || "{}")));
		} catch (e) {
			return json(500, { ok: false, error: String(e) });
		}
	}
	const request = toRequest(req, body, origin);
	const isInbox = req.method === "POST" &&
			/^\/(users\/[^/]+\/)?inbox$/.test(url.pathname);
	let rec = null;
	if (isInbox) {
		// Fedify's signature check on its own, for the record; the
		// inbox below runs the same check again before dispatching.
		let key = null, error = null;
		try {
			key = await verifyRequest(request.clone(), {
				documentLoader: ctx.documentLoader,
				contextLoader: ctx.contextLoader,
				timeWindow: { hours: 1 },
			});
		} catch (e) {
			error = String(e);
		}
		rec = { path: url.pathname,
			headers: Object.fromEntries(request.headers),
			body: body.toString("utf8"),
			verifiedKey: key?.id?.href ?? null,
			keyOwner: key?.ownerId?.href ?? null,
			verifyError: error };
		inboxPosts.push(rec);
	}
	const response = await federation.fetch(request, {
		contextData: undefined,
		onNotFound: () => new Response("Not found", { status: 404 }),
		onNotAcceptable: () =>
			new Response("Not acceptable", { status: 406 }),
	});
	if (rec) {
		rec.status = response.status;
		rec.response = await response.clone().text();
	}
	return response;
}

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on("data", (c) => chunks.push(c));
	req.on("end", () => {
		const origin = `http://127.0.0.1:${server.address().port}`;
		handle(req, Buffer.concat(chunks), origin)
			.then((r) => send(res, r))
			.catch((e) => {
				stderr.write(`fedify_peer: ${e.stack || e}\n`);
				res.writeHead(500);
				res.end(String(e));
			});
	});
});

function shutdown() {
	server.close();
	server.closeAllConnections?.();
	exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
// The test holds our stdin: when it goes away, so do we.
stdin.on("end", shutdown);
stdin.on("error", shutdown);
stdin.resume();

server.listen(opts.port, "127.0.0.1", () => {
	const port = server.address().port;
	const origin = `http://127.0.0.1:${port}`;
	stdout.write(JSON.stringify({
		ready: true, port, origin,
		actor: ctxFor(origin).getActorUri(IDENT).href,
		fedify: "1.5",
	}) + "\n");
});
