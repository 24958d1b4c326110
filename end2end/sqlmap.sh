#!/usr/bin/env bash
# AVG-19, code injection: sqlmap against every public form and both logins
# of a running shop; fails when sqlmap finds any injectable parameter.
#
#   end2end/sqlmap.sh http://127.0.0.1:3100
#
# sqlmap (PyPI) is installed into a virtualenv on first use
# ($WINKEL_SQLMAP_VENV, default target/sqlmap-venv). The shop must run with
# a high WINKEL_FORM_LIMIT: sqlmap sends hundreds of forms.
#
# The forms carry the honeypot's signed start time (AVG-19): the script
# asks the shop for one, waits until it is old enough (2 s) and sends it
# with every request, untouched, like a person's browser would; the
# honeypot field stays empty. Tested are the fields that reach a query:
# the emails of registration and both logins (the password is only hashed
# and compared in Rust; testing it would also hit the login throttle's
# growing delays), the checkout's email and name, the catalogue search,
# the product slug and the order token.
set -euo pipefail

base=${1:-${WINKEL_E2E_URL:-}}
[ -n "$base" ] || { echo "usage: $0 BASE_URL" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${WINKEL_SQLMAP_VENV:-$root/target/sqlmap-venv}
out=${WINKEL_SQLMAP_OUT:-$root/target/winkel-test/sqlmap}

if [ ! -x "$venv/bin/sqlmap" ]; then
  echo "installing sqlmap into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet sqlmap
fi
rm -rf "$out"
mkdir -p "$out"

# A signed form start time, then wait until a person could have filled in
# the form.
token=$(curl -fsS -X POST -H 'Accept: application/json' "$base/api/form_token" | tr -d '"')
[ -n "$token" ] || { echo "no form token from $base" >&2; exit 1; }
sleep 3

# A visitor with something in the cart, so that the checkout reaches its
# queries.
jar=$out/cookies.txt
curl -fsS -c "$jar" -X POST -H 'Accept: application/json' \
  --data 'slug=espressobonen-amsterdam' "$base/api/get_product" >"$out/product.json"
product_id=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$out/product.json" | head -n 1)
curl -fsS -b "$jar" -c "$jar" -X POST -H 'Accept: application/json' \
  --data "product_id=$product_id&quantity=1" "$base/api/add_to_cart" >/dev/null
session=$(awk '$6 == "winkel_session" { print $6 "=" $7 }' "$jar")

found=0
# probe NAME ENDPOINT DATA PARAMS [COOKIE]
probe() {
  local name=$1 endpoint=$2 data=$3 params=$4 cookie=${5:-}
  local log=$out/$name.log
  # shellcheck disable=SC2054 # the commas are inside one argument
  local args=(
    --batch --disable-coloring --flush-session
    --level 1 --risk 1 --threads 2 --time-sec 2 --timeout 40 --retries 1
    # The shop's answers to bad input (refused field, wrong password,
    # unknown order) are ordinary pages for sqlmap to compare, not errors.
    --ignore-code 400,401,404,409,422 --skip-waf --ignore-redirects
    --output-dir "$out/$name"
    -u "$base/api/$endpoint" --method POST --data "$data" -p "$params"
    -H 'Accept: application/json'
  )
  [ -z "$cookie" ] || args+=(--cookie "$cookie")
  echo "sqlmap: $endpoint ($params)"
  "$venv/bin/sqlmap" "${args[@]}" >"$log" 2>&1 || true
  if grep -Eq "identified the following injection point|is vulnerable|parameter '[^']*' is '[^']*' injectable" "$log"; then
    echo "  INJECTABLE: see $log"
    found=1
  # sqlmap reports its verdict, and a first successful order (a new token
  # each time) as "heavily dynamic", at CRITICAL level too; any other
  # CRITICAL line means it could not test.
  elif grep "CRITICAL" "$log" |
    grep -v "all tested parameters do not appear to be injectable" |
    grep -vq "appears to be heavily dynamic" ||
    ! grep -q "all tested parameters do not appear to be injectable" "$log"; then
    echo "  sqlmap did not finish its tests: see $log"
    tail -n 20 "$log"
    found=1
  else
    echo "  nothing injectable"
  fi
}

person="first_name=Jan&last_name=Jansen&street=Dorpsstraat&house_number=12&postcode=3511AB&city=Utrecht&country=NL&phone=0612345678"
probe register register "email=sqlmap%40example.nl&$person&password=een+lang+wachtwoord&website=&form_started=$token" email
# A fresh address per run: the login throttle slows repeated failures for
# one account (up to 30 s), which sqlmap's baseline requests would hit.
run=$$$RANDOM
probe login login "email=sqlmap-$run%40example.nl&password=fout&website=&form_started=$token" email
probe cms-login cms_login "email=sqlmap-$run%40example.nl&password=fout&website=&form_started=$token" email
probe checkout place_order "email=sqlmap%40example.nl&$person&delivery_method=shipping&payment_method=bank_transfer&website=&form_started=$token" "email,first_name" "$session"
probe search get_catalog "query=koffie" query
probe product get_product "slug=espressobonen-amsterdam" slug
probe order get_order "token=0123456789abcdef0123456789abcdef" token

if [ "$found" -ne 0 ]; then
  echo "sqlmap: FAILED"
  exit 1
fi
echo "sqlmap: no injectable parameter in any form"
