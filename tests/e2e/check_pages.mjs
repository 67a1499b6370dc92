// check_pages.mjs BASE PATH...: load each page of a running hub in
// headless chromium, at a desktop width and at a phone's (375 px), and
// print one JSON document with what was found; the calling test (e.g.
// tests/integration/test_web_a11y.py) makes the TAP of it. One browser
// for all the pages. Exits 1, with the error on stderr, if the browser
// cannot be driven at all.
//
// By hand, against the demo hub of ./setup.sh:
//   node tests/e2e/check_pages.mjs http://127.0.0.1:8080 / /users/admin
//
// check_pages.mjs --spec FILE: the pages described in a JSON file,
// { base, pages: [{ key, url, session, fill, click }], signin }, where
// session is the value of a hub_session cookie to give the browser (a
// member's page; null: a visitor's), fill maps CSS selectors to text to
// type into them and click names the button to press after loading url
// (a page that a form leads to: a preview, a form with errors), and
// signin is { url, name, password } for keyboardSignin(). The report's
// pages are then keyed by key.
import fs from 'node:fs';
import {
	axeCheck,
	focusWalk,
	formErrors,
	horizontalOverflow,
	imagesWithoutAlt,
	keyboardSignin,
	launchBrowser,
	newPage,
} from './harness.mjs';

export const PHONE = 375;

// Loads url (as the member whose session cookie is given), fills and
// submits a form when asked; returns the response of the page shown.
async function open(page, url, spec) {
	if (spec.session)
		await page.context().addCookies([
			{ name: 'hub_session', value: spec.session, url },
		]);
	let resp = await page.goto(url, { waitUntil: 'load' });
	if (!spec.click) return resp;
	for (const [sel, text] of Object.entries(spec.fill || {}))
		await page.fill(sel, text);
	[resp] = await Promise.all([
		page.waitForNavigation({ waitUntil: 'load' }),
		page.getByRole('button', { name: spec.click, exact: true }).click(),
	]);
	return resp;
}

// What the page shows and what axe-core, the overflow check and (at
// the desktop width) the Tab walk find on it, as it is now.
async function inspect(page, resp, desktop) {
	const out = {
		status: resp ? resp.status() : 0,
		contentType: resp ? resp.headers()['content-type'] || '' : '',
		title: await page.title(),
		...(await page.evaluate(() => ({
			lang: document.documentElement.lang,
			h1: [...document.querySelectorAll('h1')].map(
				(e) => e.innerText
			),
			text: document.body.innerText,
		}))),
		width: await horizontalOverflow(page),
		axe: await axeCheck(page),
	};
	if (!desktop) return out;
	out.noAlt = await imagesWithoutAlt(page);
	out.forms = await formErrors(page);
	out.focus = await focusWalk(page);
	return out;
}

// One load of url per page, first at the desktop width, then the same
// document narrowed to a phone's (a form's answer is not sent twice;
// CSS media queries apply again on the resize). Returns
// { desktop, phone }, each with what went wrong until then (page.hub).
async function visit(browser, url, spec = {}) {
	const t0 = Date.now();
	const page = await newPage(browser, { width: 1280 });
	const resp = await open(page, url, spec);
	const t1 = Date.now();
	const desktop = await inspect(page, resp, true);
	Object.assign(desktop, structuredClone(page.hub));
	const t2 = Date.now();
	await page.evaluate(() => {
		document.activeElement && document.activeElement.blur();
		window.scrollTo(0, 0);
	});
	await page.setViewportSize({ width: PHONE, height: 800 });
	const phone = await inspect(page, resp, false);
	Object.assign(phone, page.hub);
	desktop.ms = { load: t1 - t0, desktop: t2 - t1, phone: Date.now() - t2 };
	await page.context().close();
	return { desktop, phone };
}

// Runs job(item) for every item, n at a time.
async function pool(items, n, job) {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await job(items[next++]);
	};
	await Promise.all(Array.from({ length: n }, worker));
}

async function fromSpec(file) {
	const spec = JSON.parse(fs.readFileSync(file, 'utf8'));
	const t0 = Date.now();
	const browser = await launchBrowser();
	const report = {
		browser: browser.version(),
		launchMs: Date.now() - t0,
		pages: {},
	};
	try {
		// Two pages at a time: chromium renders in processes of
		// its own, so the second core is used while node waits.
		await pool(spec.pages, 2, async (p) => {
			const url = new URL(p.url, spec.base).href;
			report.pages[p.key] = await visit(browser, url, p);
		});
		if (spec.signin) {
			const page = await newPage(browser, {});
			const s = spec.signin;
			report.signin = await keyboardSignin(
				page,
				new URL(s.url, spec.base).href,
				s.name,
				s.password
			);
			Object.assign(report.signin, page.hub);
			await page.context().close();
		}
	} finally {
		await browser.close();
	}
	report.totalMs = Date.now() - t0;
	process.stdout.write(JSON.stringify(report) + '\n');
}

async function main() {
	if (process.argv[2] === '--spec') return fromSpec(process.argv[3]);
	const [base, ...paths] = process.argv.slice(2);
	if (!base || paths.length === 0) {
		console.error('usage: node check_pages.mjs BASE PATH...');
		process.exit(2);
	}
	const t0 = Date.now();
	const browser = await launchBrowser();
	const report = {
		browser: browser.version(),
		launchMs: Date.now() - t0,
		pages: {},
	};
	try {
		for (const p of paths)
			report.pages[p] = await visit(browser, new URL(p, base).href);
	} finally {
		await browser.close();
	}
	report.totalMs = Date.now() - t0;
	process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((e) => {
	console.error(e && e.stack ? e.stack : String(e));
	process.exit(1);
});
