// harness.mjs: drive Debian's chromium (headless) with playwright-core
// against a real hubd on loopback. The hubd is started by the Python test
// (tests/integration/hubtest.py), which runs a script built on these
// helpers and reads its JSON answer; this file never starts a hub, so the
// two harnesses cannot drift apart.
//
// Only loopback may be contacted: every request the browser makes to
// another host is aborted and recorded (see newPage()).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.HUB_CHROMIUM || '/usr/bin/chromium';

// Without the background-networking flags chromium reaches out to
// Google's services on start-up, which the closed network refuses.
const ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

// One browser per test file: starting chromium costs about a second.
// playwright-core's launch() gives it a fresh, empty --user-data-dir in
// a temporary directory and removes it on close(); it downloads nothing.
export async function launchBrowser() {
	return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

function loopback(url) {
	try {
		const h = new URL(url).hostname;
		return h === '127.0.0.1' || h === 'localhost' || h === '[::1]';
	} catch {
		return true; // data:, about:blank
	}
}

// A page in a context of its own, with what went wrong collected in
// page.hub: console errors, uncaught exceptions, CSP violations (the
// securitypolicyviolation event, seen from an init script; init scripts
// are injected over the DevTools protocol, which the page's CSP does not
// govern) and requests to anything but loopback. opts: { width, height }.
//
// Two console errors are not the page's doing and are counted apart:
// chromium logs "Failed to load resource" when the document itself comes
// with an error status (hub.documentStatus: an expected 404 page does
// that), and when its own request for /favicon.ico gets the hub's 404
// (hub.favicon).
export async function newPage(browser, opts = {}) {
	const context = await browser.newContext({
		viewport: { width: opts.width || 1280, height: opts.height || 800 },
	});
	const page = await context.newPage();
	const hub = {
		console: [],
		errors: [],
		csp: [],
		offsite: [],
		favicon: 0,
		documentStatus: 0,
	};
	page.hub = hub;
	await context.route(
		(url) => !loopback(url.href),
		(route) => {
			hub.offsite.push(route.request().url());
			return route.abort();
		}
	);
	await context.exposeBinding('__hubCsp', (_src, v) => hub.csp.push(v));
	await context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__hubCsp(
				`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}` +
					` (${e.sourceFile || ''}:${e.lineNumber})`
			);
		});
	});
	page.on('console', (m) => {
		if (m.type() !== 'error') return;
		const at = m.location().url || '';
		const load = m.text().startsWith('Failed to load resource');
		if (load && new URL(at, 'about:blank').pathname === '/favicon.ico') {
			hub.favicon++;
			return;
		}
		if (load && at === page.url()) {
			hub.documentStatus++;
			return;
		}
		hub.console.push(m.text());
	});
	page.on('pageerror', (e) => hub.errors.push(String(e)));
	return page;
}

// axe-core's rules, run on the page as it is. The hub's CSP
// (default-src 'none') refuses every inline script, so
// page.addScriptTag() is blocked, with a path or with content alike
// (Playwright inlines the file). page.evaluate() runs over the DevTools
// protocol, which CSP does not govern, so axe is evaluated into the page
// under test without bypassCSP and without a second load of the page.
//
// Returns the violations whose impact is serious or critical, each as
// { id, impact, help, nodes: [html of up to 3 offending elements] }.
let axeSource = null;
export async function axeCheck(page) {
	if (axeSource === null)
		axeSource = fs.readFileSync(
			require.resolve('axe-core/axe.min.js'),
			'utf8'
		);
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.evaluate(axeSource);
	const res = await page.evaluate(() =>
		window.axe.run(document, {
			resultTypes: ['violations'],
		})
	);
	return res.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => n.html),
		}));
}

// Whether the page fits the viewport's width: no horizontal scrolling.
// wide: up to 3 of the innermost elements that reach past the right
// edge (what to fix when it does not fit).
export async function horizontalOverflow(page) {
	return page.evaluate(() => {
		const w = document.scrollingElement.clientWidth;
		const clipped = (e) => {
			for (let p = e.parentElement; p; p = p.parentElement)
				if (getComputedStyle(p).overflowX !== 'visible')
					return p !== document.body &&
						p !== document.documentElement;
			return false;
		};
		const wide = [...document.body.querySelectorAll('*')]
			.filter((e) => e.getBoundingClientRect().right > w + 0.5)
			.filter((e) => !clipped(e))
			.filter(
				(e) =>
					![...e.children].some(
						(c) => c.getBoundingClientRect().right > w + 0.5
					)
			)
			.slice(0, 3)
			.map((e) => e.outerHTML.slice(0, 120));
		return {
			scrollWidth: document.scrollingElement.scrollWidth,
			clientWidth: w,
			wide,
		};
	});
}

// Tabs through the page from the top and reports every element that
// took the focus, and whether a focus indicator showed: a non-zero
// outline or a box-shadow in its computed style while focused, and the
// outline's contrast against the page's background (null without an
// outline). Also lists the focusable elements that Tab never reached.
// Returns { stops: [{ what, visible, contrast, style }],
// unreached: [what] }.
export async function focusWalk(page, max = 200) {
	const describe = () => {
		const e = document.activeElement;
		if (!e || e === document.body) return null;
		const s = getComputedStyle(e);
		const outline =
			s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
		const shadow = s.boxShadow !== 'none';
		// WCAG 2.2 1.4.11: a focus ring needs 3:1 against what is
		// behind it, taken here as the body's background.
		const lum = (c) => {
			const v = (c.match(/[\d.]+/g) || ['255', '255', '255'])
				.slice(0, 3)
				.map((x) => {
					const f = Number(x) / 255;
					return f <= 0.03928
						? f / 12.92
						: ((f + 0.055) / 1.055) ** 2.4;
				});
			return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
		};
		let bg = getComputedStyle(document.body).backgroundColor;
		if (bg === 'rgba(0, 0, 0, 0)') bg = 'rgb(255, 255, 255)';
		const [hi, lo] = [lum(s.outlineColor), lum(bg)].sort((a, b) => b - a);
		const contrast = outline
			? Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100
			: null;
		const id =
			e.dataset.hubFocus ||
			String((window.__hubFocusN = (window.__hubFocusN || 0) + 1));
		e.dataset.hubFocus = id;
		return {
			id,
			what: `${e.tagName.toLowerCase()} "${(e.textContent || '')
				.trim()
				.slice(0, 40)}"`,
			visible: outline || shadow,
			contrast,
			style: `outline: ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}; box-shadow: ${s.boxShadow}`,
		};
	};
	await page.evaluate(() => {
		document.activeElement && document.activeElement.blur();
		window.scrollTo(0, 0);
	});
	const stops = [];
	const seen = new Set();
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		const d = await page.evaluate(describe);
		if (d === null || seen.has(d.id)) break;
		seen.add(d.id);
		stops.push(d);
	}
	const unreached = await page.evaluate(() => {
		const sel =
			'a[href], button, input, select, textarea, summary, ' +
			'[tabindex]:not([tabindex="-1"])';
		return [...document.querySelectorAll(sel)]
			.filter((e) => !e.dataset.hubFocus && e.offsetParent !== null)
			.filter((e) => !e.disabled)
			.map((e) => `${e.tagName.toLowerCase()} "${e.textContent.trim()}"`);
	});
	return { stops: stops.map(({ id, ...rest }) => rest), unreached };
}

// The page's form errors as a screen reader meets them: the summary
// (role=alert), where its links go, and each invalid field with the
// element its aria-describedby names. Returns { summaries, links:
// [{ href, target }], invalid: [{ field, describedby, errorText }],
// shownErrors } where target is whether the link's #id exists and
// errorText is the text of the described-by elements ("" when none
// exists); shownErrors counts the visible error messages (p.error).
export async function formErrors(page) {
	return page.evaluate(() => {
		const summaries = [...document.querySelectorAll('[role=alert]')];
		const links = summaries.flatMap((s) =>
			[...s.querySelectorAll('a[href^="#"]')].map((a) => ({
				href: a.getAttribute('href'),
				target: !!document.getElementById(
					a.getAttribute('href').slice(1)
				),
			}))
		);
		const invalid = [
			...document.querySelectorAll('[aria-invalid=true]'),
		].map((e) => {
			const ids = (e.getAttribute('aria-describedby') || '')
				.split(/\s+/)
				.filter(Boolean);
			return {
				field: e.id || e.name,
				describedby: ids.join(' '),
				errorText: ids
					.map((id) => document.getElementById(id))
					.filter(Boolean)
					.map((x) => x.textContent.trim())
					.join(' | '),
			};
		});
		return {
			summaries: summaries.length,
			links,
			invalid,
			shownErrors: document.querySelectorAll('.error').length,
		};
	});
}

// Images without a text alternative (no alt attribute at all; alt=""
// marks a decorative image and is fine).
export async function imagesWithoutAlt(page) {
	return page.evaluate(() =>
		[...document.querySelectorAll('img:not([alt])')].map((i) =>
			i.getAttribute('src')
		)
	);
}

// Signs in with the keyboard alone: Tab from the top of the sign-in
// page until the name field has the focus, type the name, Tab, type the
// password, Enter. Returns { tabs, url, status, text } of the page the
// form led to (tabs: the Tab presses before the name field; -1 when
// Tab never got there).
export async function keyboardSignin(page, url, name, password) {
	await page.goto(url, { waitUntil: 'load' });
	let tabs = -1;
	for (let i = 1; i <= 40; i++) {
		await page.keyboard.press('Tab');
		const id = await page.evaluate(() => document.activeElement.id);
		if (id === 'name') {
			tabs = i;
			break;
		}
	}
	if (tabs < 0) return { tabs, url: page.url(), status: 0, text: '' };
	await page.keyboard.type(name);
	await page.keyboard.press('Tab');
	await page.keyboard.type(password);
	const [resp] = await Promise.all([
		page.waitForNavigation({ waitUntil: 'load' }),
		page.keyboard.press('Enter'),
	]);
	return {
		tabs,
		url: page.url(),
		status: resp ? resp.status() : 0,
		text: await page.evaluate(() => document.body.innerText),
	};
}
