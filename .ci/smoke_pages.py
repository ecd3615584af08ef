"""Log in as every demo user against the running dev server and open the pages of their menu."""

import http.cookiejar
import os
import re
import sys
import urllib.parse
import urllib.request

BASE = sys.argv[1]
PASSWORD = os.environ.get("DEMO_PASSWORD", "Jzd-demo-2026!")
USERS = ["demo-enterprise", "demo-enterprise-2", "demo-officer", "demo-approver", "demo-officer-2", "demo-bank-admin",
         "demo-bank-admin-2", "demo-district", "demo-district-2", "demo-city", "demo-admin"]


def session():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def login(username):
    opener, jar = session()
    page = opener.open(f"{BASE}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(f"{BASE}/login/", data=data, headers={"Referer": f"{BASE}/login/"})
    response = opener.open(request)
    home = response.geturl()
    body = response.read().decode()
    if "/login/" in home:
        sys.exit(f"{username}: login failed")
    return opener, home, body


failures = []
for username in USERS:
    opener, home, body = login(username)
    links = sorted(set(re.findall(r'<a class="nav-link[^"]*" href="(/[^"]*)"', body)))
    for link in links:
        try:
            status = opener.open(BASE + link).status
        except urllib.error.HTTPError as e:
            status = e.code
        if status != 200:
            failures.append(f"{username} {link}: {status}")
    print(f"{username:<20} home {urllib.parse.urlparse(home).path:<22} {len(links)} menu pages")
if failures:
    sys.exit("smoke failures:\n" + "\n".join(failures))
