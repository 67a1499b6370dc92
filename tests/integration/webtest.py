"""A plain HTTP 'browser' for the hub's web pages: it keeps cookies,
reads the CSRF token out of forms and posts them urlencoded. For the
real browser (JavaScript, accessibility) see the e2e tests."""
import html
import re
import urllib.parse

HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"


class Web:
    def __init__(self, hub):
        self.hub = hub
        self.cookies = {}

    def _headers(self, extra=None):
        h = {"Accept": HTML}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv
                                    for kv in self.cookies.items())
        h.update(extra or {})
        return h

    def _keep(self, r):
        for k, v in r.headers:
            if k.lower() != "set-cookie":
                continue
            name, _, rest = v.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in v or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return r

    def get(self, path, headers=None):
        return self._keep(self.hub.request("GET", path,
                                           headers=self._headers(headers)))

    def post(self, path, fields, headers=None, raw=None):
        body = raw if raw is not None else urllib.parse.urlencode(fields)
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self._keep(self.hub.request("POST", path, body=body,
                                           headers=self._headers(h)))

    def submit(self, page_path, action, fields, headers=None):
        """GET page_path, take the CSRF token of the form posting to
        action, and post fields with it."""
        page = self.get(page_path)
        token = csrf_of(page.text, action)
        f = dict(fields)
        f.setdefault("csrf", token or "")
        return self.post(action, f, headers)

    def signin(self, name, password):
        r = self.submit("/signin", "/signin",
                        {"name": name, "password": password})
        return r


def csrf_of(text, action=None):
    """The CSRF token of the first form (posting to action, if given)."""
    for m in re.finditer(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>',
                         text, re.S):
        if action is not None and html.unescape(m.group(1)) != action:
            continue
        t = re.search(r'name="csrf" value="([^"]*)"', m.group(2))
        if t:
            return t.group(1)
    return None


def field_error(text, name):
    """The error message shown next to field name, or None."""
    m = re.search(r'<p class="error" id="%s-error"><span class="vh">'
                  r'Error: </span>(.*?)</p>' % re.escape(name), text, re.S)
    return html.unescape(m.group(1)) if m else None


def field_value(text, name):
    m = re.search(r'<input type="[^"]*" id="%s" name="%s"[^>]*'
                  r'value="([^"]*)"' % (re.escape(name), re.escape(name)),
                  text)
    if m:
        return html.unescape(m.group(1))
    m = re.search(r'<textarea[^>]*name="%s"[^>]*>(.*?)</textarea>'
                  % re.escape(name), text, re.S)
    return html.unescape(m.group(1)) if m else None
