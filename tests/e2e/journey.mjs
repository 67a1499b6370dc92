// journey.mjs CONFIG_JSON: the end-to-end journeys of issue 5 in headless
// chromium against two running hubs, A and B, started by
// tests/integration/test_web_journey.py, which passes their addresses,
// the members' passwords and the hostile note's id as one JSON argument.
// Prints one JSON report: { browser, steps: [{ journey, what, ok,
// detail }], axe: { kind: { path, violations } }, dialogs, people }.
// Exits 1, with the error on stderr, only if the browser cannot be
// driven at all; a failed step is recorded and the journeys go on.
//
// Everything is done as a person does it: links and buttons are found by
// role and name and fields by their labels, so the journeys also prove
// the forms are labelled.
import { axeCheck, focusWalk, launchBrowser, newPage } from './harness.mjs';

const cfg = JSON.parse(process.argv[2]);
const A = cfg.a;
const B = cfg.b;
const NINA = { name: 'nina', password: 'a long password for nina' };
const report = {
	steps: [],
	axe: {},
	keyboard: {},
	dialogs: [],
	people: {},
	ms: {},
};
let journey = '';

function step(what, cond, detail = '') {
	report.steps.push({
		journey,
		what,
		ok: !!cond,
		detail: String(detail).slice(0, 400),
	});
	return !!cond;
}

// A person: a page in a browser context of their own. Any dialog is a
// failure (recorded, dismissed).
async function person(browser, name) {
	const page = await newPage(browser);
	page.setDefaultTimeout(8000);
	page.on('dialog', (d) => {
		report.dialogs.push(`${name}: ${d.type()} ${d.message()}`);
		d.dismiss().catch(() => {});
	});
	report.people[name] = page.hub;
	return page;
}

async function axe(page, kind) {
	if (kind in report.axe) return;
	report.axe[kind] = {
		path: new URL(page.url()).pathname,
		violations: await axeCheck(page),
	};
}

// For the pages with forms: Tab reaches every field and button.
async function keys(page, kind) {
	const f = await focusWalk(page);
	report.keyboard[kind] = {
		path: new URL(page.url()).pathname,
		stops: f.stops.length,
		unreached: f.unreached,
	};
}

const text = (page) => page.locator('main').innerText();
const nav = (page, name) =>
	page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name, exact: true });

// Reloads url until pred(page) holds (federation is asynchronous).
async function until(page, url, pred, ms = 15000) {
	const end = Date.now() + ms;
	for (;;) {
		await page.goto(url);
		if (await pred(page)) return true;
		if (Date.now() > end) return false;
		await page.waitForTimeout(300);
	}
}

const shows = (s) => async (page) => (await text(page)).includes(s);

async function signin(page, base, name, password) {
	await page.goto(base + '/');
	await nav(page, 'Sign in').click();
	await page.getByLabel('Your name on this hub').fill(name);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}

async function publish(page, body, community) {
	await nav(page, 'Write').click();
	await page.getByLabel('What do you want to share?').fill(body);
	if (community)
		await page
			.getByLabel('Post in a community')
			.selectOption(community);
	await page.getByRole('button', { name: 'Publish' }).click();
	await page.waitForURL((u) => !u.pathname.startsWith('/write'));
	return page.url();
}

// A heading in a post is shown as a bold paragraph (fed_html.c, R_HEAD),
// so that posts cannot break the page's own outline of headings.
const HEADING = 'p > strong:only-child';

const MD = `## Handover checklist

We learned that **every transfer** needs a checklist:

- check the wristband
- check allergies

Read [the NHS guide](https://www.england.nhs.uk/patient-safety/) first.`;

// 1. sign up, join, preview and publish Markdown into the community.
async function newcomer(nina, bob, s) {
	journey = '1 newcomer';
	await nina.goto(A + '/');
	await nav(nina, 'Sign up').click();
	await axe(nina, 'sign-up');
	await keys(nina, 'sign-up');
	await nina.getByLabel('Name', { exact: true }).fill(NINA.name);
	await nina
		.getByLabel('Display name (optional)')
		.fill('Nina Newcomer');
	await nina
		.getByLabel('Password', { exact: true })
		.fill(NINA.password);
	await nina.getByLabel('Password again').fill(NINA.password);
	await nina.getByRole('button', { name: 'Create account' }).click();
	await nina.waitForURL(A + '/');
	const who = await nina.locator('.who').innerText();
	step(
		'signs up from the home page and lands signed in',
		who === 'Signed in as Nina Newcomer',
		`${nina.url()}: ${who}`
	);
	await nav(nina, 'Communities').click();
	await nina.getByRole('link', { name: 'Safety learning' }).click();
	await nina.getByRole('button', { name: 'Join', exact: true }).click();
	await nina.getByRole('button', { name: 'Leave' }).waitFor();
	step('joins the community from its page', true, nina.url());
	await axe(nina, 'community page');

	await nav(nina, 'Write').click();
	await nina.getByLabel('What do you want to share?').fill(MD);
	await nina.getByLabel('Post in a community').selectOption('safety');
	await nina.getByRole('button', { name: 'Preview' }).click();
	const prev = nina.locator('main');
	step(
		'the preview renders the Markdown before anything is posted',
		(await prev.locator(HEADING, { hasText: 'Handover checklist' })
			.count()) > 0 &&
			(await prev.locator('strong', { hasText: 'every transfer' })
				.count()) > 0,
		await text(nina)
	);
	await axe(nina, 'write (with preview)');
	await keys(nina, 'write (with preview)');
	await nina.getByRole('button', { name: 'Publish' }).click();
	await nina.waitForURL((u) => !u.pathname.startsWith('/write'));
	s.post = nina.url();
	await nav(nina, 'Communities').click();
	await nina.getByRole('link', { name: 'Safety learning' }).click();
	const art = nina.locator('article', { hasText: 'every transfer' });
	step(
		'the post is on the community page, rendered: heading, bold, ' +
			'list, link',
		(await art.locator(HEADING, { hasText: 'Handover checklist' })
			.count()) === 1 &&
			(await art.locator('strong', { hasText: 'every transfer' })
				.count()) === 1 &&
			(await art.locator('li').count()) === 2 &&
			(await art
				.getByRole('link', { name: 'the NHS guide' })
				.getAttribute('href')) ===
				'https://www.england.nhs.uk/patient-safety/',
		await art.innerHTML()
	);
	await signin(bob, B, 'bob', cfg.pw.bob);
	step(
		"B receives it: bob's home timeline on B shows it",
		await until(bob, B + '/', shows('every transfer')),
		await text(bob)
	);
}

// 3. find bob by his address, follow him; he follows back.
async function follow(nina, bob) {
	journey = '3 follow';
	await nav(nina, 'Search').click();
	await nina.getByLabel('Search').fill(`@bob@${cfg.bHost}`);
	await nina.getByLabel('Search').press('Enter');
	await nina.waitForURL(/\/search\?/);
	await axe(nina, 'search results');
	await nina.getByRole('link', { name: /Bob of B/ }).first().click();
	await axe(nina, 'profile');
	await nina.getByRole('button', { name: 'Follow', exact: true }).click();
	step(
		'follows bob (on B) from his profile, found by search',
		await until(nina, nina.url(), shows('You follow them')),
		await text(nina)
	);
	step(
		'bob is told on B',
		await until(bob, B + '/notifications', shows('followed you')),
		await text(bob)
	);
	await bob
		.locator('main')
		.getByRole('link', { name: /nina|Nina Newcomer/ })
		.first()
		.click();
	await bob.getByRole('button', { name: 'Follow', exact: true }).click();
	step(
		'bob follows back, and nina sees it on her Notifications page',
		await until(nina, A + '/notifications', shows('followed you')),
		await text(nina)
	);
	await axe(nina, 'notifications');
}

// 2. reply to bob's post from the home timeline.
async function reply(nina, bob, s) {
	journey = '2 reply';
	s.bobPost = await publish(bob, 'Who checks the infusion pumps at night?');
	step(
		"bob's post reaches nina's home timeline on A",
		await until(nina, A + '/', shows('infusion pumps')),
		await text(nina)
	);
	await axe(nina, 'home (signed in)');
	// Timelines show each post with a link to its page (its time), where
	// the Reply link is.
	await nina
		.locator('article', { hasText: 'infusion pumps' })
		.getByRole('link')
		.filter({ has: nina.locator('time') })
		.click();
	await nina
		.locator('main')
		.getByRole('link', { name: 'Reply', exact: true })
		.click();
	await nina
		.getByLabel('What do you want to share?')
		.fill('On our ward the nurse in charge checks them at 22:00.');
	await nina.getByRole('button', { name: 'Publish' }).click();
	await nina.waitForURL((u) => !u.pathname.startsWith('/write'));
	step(
		'the reply is published on A',
		(await text(nina)).includes('nurse in charge'),
		await text(nina)
	);
	step(
		"B receives it: bob's post page on B shows the reply",
		await until(bob, s.bobPost, shows('nurse in charge')),
		await text(bob)
	);
	await nina.goto(
		A + '/notes?id=' + encodeURIComponent(s.bobPost)
	);
	step(
		"bob's post page on A shows nina's reply",
		(await text(nina)).includes('nurse in charge'),
		await text(nina)
	);
	await axe(nina, 'post page with replies');
}

// 4. edit the post, then delete it.
async function editDelete(nina, bob, s) {
	journey = '4 edit and delete';
	await nina.goto(s.post);
	await nina.locator('main').getByRole('link', { name: 'Edit' }).first().click();
	await nina
		.getByLabel('Your post')
		.fill('## Handover checklist\n\nRevised: **every handover** too.');
	await nina.getByRole('button', { name: 'Save changes' }).click();
	await nina.waitForURL((u) => !u.pathname.startsWith('/edit'));
	const t = await text(nina);
	step(
		'the post page shows the new text',
		t.includes('every handover') && !t.includes('wristband'),
		t
	);
	const onB = B + '/notes?id=' + encodeURIComponent(s.postIri);
	step(
		'B shows the new text after the Update',
		await until(bob, onB, shows('every handover')),
		await text(bob)
	);
	await nina.goto(s.post);
	await nina.locator('main').getByRole('link', { name: 'Delete' }).first().click();
	step(
		'delete asks first',
		(await text(nina)).includes('Delete this post?'),
		await text(nina)
	);
	await axe(nina, 'delete confirmation');
	await nina.getByRole('button', { name: 'Delete post' }).click();
	const r = await nina.goto(s.post);
	step(
		'then its page says it was deleted, 410',
		r.status() === 410 && (await text(nina)).includes('deleted'),
		`${r.status()} ${await text(nina)}`
	);
	step(
		'and B lets it go too',
		await until(bob, onB, async (p) => !(await text(p)).includes('every handover')),
		await text(bob)
	);
}

// 5. the community's moderator removes a post and bans its author.
async function moderate(browser) {
	journey = '5 moderation';
	const carl = await person(browser, 'carl');
	const cmod = await person(browser, 'cmod');
	await signin(carl, A, 'carl', cfg.pw.carl);
	const post = await publish(carl, 'Carl says: skip the checks.', 'safety');
	await signin(cmod, A, 'cmod', cfg.pw.cmod);
	// The navigation links to /moderation for the hub's roles only; a
	// community's moderator finds it on the community's page.
	await nav(cmod, 'Communities').click();
	await cmod.getByRole('link', { name: 'Safety learning' }).click();
	await cmod.getByRole('link', { name: 'moderation page' }).click();
	await axe(cmod, 'moderation');
	await keys(cmod, 'moderation');
	// The post's page is /users/carl/statuses/N; its id is that address.
	const iri = A + new URL(post).pathname;
	await cmod.getByLabel('Remove a post from safety').fill(iri);
	await cmod.getByRole('button', { name: 'Remove post' }).click();
	step(
		'the moderator removes carl\'s post from /moderation',
		(await text(cmod)).includes('removed from the community'),
		await text(cmod)
	);
	await cmod.getByLabel('Ban from safety').fill('carl');
	await cmod.getByRole('button', { name: 'Ban', exact: true }).click();
	step(
		'and bans carl',
		(await text(cmod)).includes('Lift the ban'),
		await text(cmod)
	);
	await nav(carl, 'Write').click();
	step(
		"carl's Write page no longer offers the community",
		(await carl.locator('option[value="safety"]').count()) === 0,
		await text(carl)
	);
	await nav(carl, 'Communities').click();
	await carl.getByRole('link', { name: 'Safety learning' }).click();
	const joined = carl.waitForResponse(
		(r) => r.url() === A + '/join' && r.request().method() === 'POST'
	);
	await carl.getByRole('button', { name: 'Join', exact: true }).click();
	const jr = await joined;
	await carl.goto(A + '/c/safety');
	step(
		'and pressing Join again is refused (403): he is not a member',
		jr.status() === 403 &&
			!(await text(carl)).includes('You are a member'),
		`${jr.status()} ${await text(carl)}`
	);
	await publish(carl, 'Carl again after the ban.');
	await carl.waitForTimeout(1000);
	await cmod.goto(A + '/c/safety');
	const t = await text(cmod);
	step(
		'the community page shows neither the removed post nor the ' +
			"banned member's next one",
		!t.includes('skip the checks') && !t.includes('after the ban'),
		t
	);
	await carl.context().close();
	await cmod.context().close();
}

// 6. the admin blocks B.
async function block(browser, nina, bob) {
	journey = '6 domain block';
	const ada = await person(browser, 'ada');
	await signin(ada, A, 'ada', cfg.pw.ada);
	await nav(ada, 'Admin').click();
	await axe(ada, 'admin');
	await keys(ada, 'admin');
	await ada.getByLabel('Block a server').fill(cfg.bHost);
	await ada.getByLabel(/Reason/).fill('Testing a block');
	await ada.getByRole('button', { name: 'Block server' }).click();
	step(
		'the admin blocks B from /admin',
		(await text(ada)).includes('Testing a block'),
		await text(ada)
	);
	await publish(bob, 'Bob after the block.');
	await nina.waitForTimeout(2000);
	await nina.goto(A + '/');
	step(
		"bob's next post does not appear on A",
		!(await text(nina)).includes('after the block'),
		await text(nina)
	);
	await ada.context().close();
}

// 7. hostile HTML, forged forms, the cookie, signing out.
async function security(browser, nina) {
	journey = '7 security';
	await nav(nina, 'Communities').click();
	await nina.getByRole('link', { name: 'Safety learning' }).click();
	await nina.goto(A + '/notes?id=' + encodeURIComponent(cfg.hostile));
	const post = nina.locator('article', { hasText: 'Pump alarm' }).first();
	const found = await post.evaluate((e) => ({
		bad: [...e.querySelectorAll('script, iframe, svg, object, embed')]
			.map((x) => x.tagName),
		on: [...e.querySelectorAll('*')].filter((x) =>
			[...x.attributes].some(
				(a) => a.name.startsWith('on') || a.name === 'style'
			)
		).map((x) => x.outerHTML),
		js: [...e.querySelectorAll('a[href]')].filter((a) =>
			/^\s*javascript:/i.test(a.getAttribute('href'))
		).length,
	}));
	step(
		'a remote post with hostile HTML arrives sanitized: no script, ' +
			'iframe, svg, on* or style attributes, javascript: links',
		found.bad.length === 0 && found.on.length === 0 && found.js === 0,
		JSON.stringify(found)
	);
	const more = post.getByText('read more');
	if (await more.count()) await more.first().click({ noWaitAfter: true });
	await post.getByText('hover here').hover().catch(() => {});
	await nina.waitForTimeout(300);
	step(
		'nothing in it runs, loaded, clicked or hovered',
		(await nina.evaluate(() => window.__pwned)) === undefined &&
			report.dialogs.length === 0,
		await nina.evaluate(() => String(window.__pwned))
	);
	await axe(nina, 'post page (remote, hostile)');

	// From another site (localhost is not 127.0.0.1) SameSite=Lax keeps
	// the cookie off the POST, so it comes as a visitor's and is sent to
	// sign in; from the same site (another port) the cookie goes along
	// and the missing CSRF token gets 403.
	for (const [where, url, want] of [
		['another site, without the cookie', cfg.attack, 303],
		['another port of this host, without a token', cfg.attackSameSite,
			403],
	]) {
		const resp = nina.waitForResponse(
			(r) => r.url() === A + '/write' && r.request().method() === 'POST'
		);
		await nina.goto(url);
		const r = await resp;
		const sent = (await r.request().allHeaders()).cookie || '';
		step(
			`a form posted to /write from ${where} is refused (${want})`,
			r.status() === want &&
				sent.includes('hub_session') === (want === 403) &&
				(want === 403 ||
					r.headers().location.startsWith('/signin')),
			`${r.status()} ${r.headers().location || ''}`
		);
	}
	await nina.goto(A + '/users/nina');
	step(
		'and nothing was posted',
		!(await text(nina)).includes('CSRF attack'),
		await text(nina)
	);

	const cookies = await nina.context().cookies(A);
	const sess = cookies.find((c) => c.name === 'hub_session');
	step(
		'the session cookie is HttpOnly and SameSite=Lax',
		sess && sess.httpOnly && sess.sameSite === 'Lax',
		JSON.stringify(sess && { ...sess, value: '...' })
	);
	step(
		'document.cookie does not show it',
		!(await nina.evaluate(() => document.cookie)).includes('hub_session'),
		'seen'
	);
	await nina.goto(A + '/settings');
	await axe(nina, 'settings');
	await keys(nina, 'settings');
	await nina.getByRole('button', { name: 'Sign out' }).click();
	await nav(nina, 'Sign in').click();
	await axe(nina, 'sign-in');
	await keys(nina, 'sign-in');
	const old = await person(browser, 'replay');
	await old.context().addCookies(cookies);
	await old.goto(A + '/');
	const signedOut =
		(await old.locator('.who').count()) === 0 &&
		(await nav(old, 'Sign in').count()) === 1;
	await old.goto(A + '/notifications');
	step(
		'signing out ends the session: the old cookie in a new context ' +
			'is signed out',
		signedOut && new URL(old.url()).pathname === '/signin',
		old.url()
	);
	await old.context().close();
}

async function run(name, fn) {
	const t0 = Date.now();
	try {
		await fn();
		report.ms[name] = Date.now() - t0;
	} catch (e) {
		step(`${name} went through`, false, e.message.split('\n').slice(0, 3).join(' '));
	}
}

async function main() {
	const browser = await launchBrowser();
	report.browser = browser.version();
	const nina = await person(browser, 'nina');
	const bob = await person(browser, 'bob');
	const s = {};
	try {
		await run('newcomer', () => newcomer(nina, bob, s));
		s.postIri = s.post && A + new URL(s.post).pathname;
		await run('follow', () => follow(nina, bob));
		await run('reply', () => reply(nina, bob, s));
		await run('edit and delete', () => editDelete(nina, bob, s));
		await run('moderation', () => moderate(browser));
		await run('block', () => block(browser, nina, bob));
		await run('security', () => security(browser, nina));
	} finally {
		await browser.close();
	}
	process.stdout.write(JSON.stringify(report));
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
