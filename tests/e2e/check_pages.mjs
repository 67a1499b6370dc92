// check_pages.mjs BASE PATH...: load each page of a running hub in
// headless chromium, at a desktop width and at a phone's (375 px), and
// print one JSON document with what was found; the calling test (e.g.
// tests/integration/test_web_a11y.py) makes the TAP of it. One browser
// for all the pages. Exits 1, with the error on stderr, if the browser
// cannot be driven at all.
//
// By hand, against the demo hub of ./setup.sh:
//   node tests/e2e/check_pages.mjs http://127.0.0.1:8080 / /users/admin
import {
	axeCheck,
	focusWalk,
	horizontalOverflow,
	launchBrowser,
	newPage,
} from './harness.mjs';

export const PHONE = 375;

async function visit(browser, url, width) {
	const page = await newPage(browser, { width });
	const resp = await page.goto(url, { waitUntil: 'load' });
	const out = {
		status: resp ? resp.status() : 0,
		contentType: resp ? resp.headers()['content-type'] || '' : '',
		title: await page.title(),
		lang: await page.evaluate(() => document.documentElement.lang),
		h1: await page.evaluate(() =>
			[...document.querySelectorAll('h1')].map((e) => e.innerText)
		),
		text: await page.evaluate(() => document.body.innerText),
		width: await horizontalOverflow(page),
		axe: await axeCheck(page),
	};
	if (width !== PHONE) out.focus = await focusWalk(page);
	Object.assign(out, page.hub);
	await page.context().close();
	return out;
}

async function main() {
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
		for (const p of paths) {
			const url = new URL(p, base).href;
			report.pages[p] = {
				desktop: await visit(browser, url, 1280),
				phone: await visit(browser, url, PHONE),
			};
		}
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
