#!/usr/bin/env bash
# Runs the openssl recipes of Kong's "Configuring PostgreSQL TLS" page ("Creating certificates"),
# command for command, so tests can check Silverback against certificates made exactly as users
# following that page make them.
#
# usage: seed-openssl.sh <intermediate|direct|self-signed> <dir> [--append-chain]
#   --append-chain  also runs the page's optional steps (intermediate layout only):
#                   cat intermediate.crt >> server.crt / client.crt
set -euo pipefail

layout="${1:-}"
dir="${2:-}"
append="${3:-}"
if [[ -z "$layout" || -z "$dir" ]]; then
  echo "usage: $0 <intermediate|direct|self-signed> <dir> [--append-chain]" >&2
  exit 2
fi
if [[ ! -f /etc/ssl/openssl.cnf ]]; then
  echo "$0: /etc/ssl/openssl.cnf not found (the seed's commands name it explicitly)" >&2
  exit 1
fi
mkdir -p "$dir"
cd "$dir"

intermediate_chain() {
  # 1. Generate a root CA cert-key pair
  openssl req -new -x509 -utf8 -nodes -subj "/CN=root.yourdomain.com" -config /etc/ssl/openssl.cnf -extensions v3_ca -days 3650 -keyout root.key -out root.crt
  # 2. Generate an intermediate private key and certificate
  openssl req -new -utf8 -nodes -subj "/CN=intermediate.yourdomain.com" -config /etc/ssl/openssl.cnf -keyout intermediate.key -out intermediate.csr
  chmod og-rwx intermediate.key
  openssl x509 -req -extfile /etc/ssl/openssl.cnf -extensions v3_ca -in intermediate.csr -days 1825 -CA root.crt -CAkey root.key -CAcreateserial -out intermediate.crt
  # 3. Generate the server private key and certificate
  openssl req -new -utf8 -nodes -subj "/CN=dbhost.yourdomain.com" -config /etc/ssl/openssl.cnf -keyout server.key -out server.csr
  chmod og-rwx server.key
  openssl x509 -req -in server.csr -days 365 -CA intermediate.crt -CAkey intermediate.key -CAcreateserial -out server.crt
  # 4. Generate a private key and certificate for the client
  openssl req -new -utf8 -nodes -subj "/CN=kong" -config /etc/ssl/openssl.cnf -keyout client.key -out client.csr
  chmod og-rwx client.key
  openssl x509 -req -in client.csr -days 365 -CA intermediate.crt -CAkey intermediate.key -CAcreateserial -out client.crt
  # 5. Append the certificates
  cat intermediate.crt > chain.crt
  cat root.crt >> chain.crt
  if [[ "$append" == "--append-chain" ]]; then
    cat intermediate.crt >> server.crt
    cat intermediate.crt >> client.crt
  fi
}

direct_chain() {
  # 1. Generate a root CA cert key pair
  openssl req -new -x509 -utf8 -nodes -subj "/CN=root.yourdomain.com" -config /etc/ssl/openssl.cnf -extensions v3_ca -days 3650 -keyout root.key -out root.crt
  # 2. Generate server private key and certificate
  openssl req -new -utf8 -nodes -subj "/CN=dbhost.yourdomain.com" -config /etc/ssl/openssl.cnf -keyout server.key -out server.csr
  chmod og-rwx server.key
  openssl x509 -req -in server.csr -days 365 -CA root.crt -CAkey root.key -CAcreateserial -out server.crt
  # 3. Generate a private key and certificate for the client
  openssl req -new -utf8 -nodes -subj "/CN=kong" -config /etc/ssl/openssl.cnf -keyout client.key -out client.csr
  chmod og-rwx client.key
  openssl x509 -req -in client.csr -days 365 -CA root.crt -CAkey root.key -CAcreateserial -out client.crt
}

self_signed() {
  # 1. Generate server key and self-signed cert
  openssl req -new -x509 -utf8 -nodes -subj "/CN=dbhost.yourdomain.com" -config /etc/ssl/openssl.cnf -days 365 -keyout server.key -out server.crt
  chmod og-rwx server.key
  # 3. Generate the client key and self-signed certificate
  openssl req -new -x509 -utf8 -nodes -subj "/CN=kong" -config /etc/ssl/openssl.cnf -days 365 -keyout client.key -out client.crt
  chmod og-rwx client.key
}

case "$layout" in
  intermediate) intermediate_chain ;;
  direct) direct_chain ;;
  self-signed) self_signed ;;
  *) echo "$0: unknown layout '$layout' (use intermediate, direct or self-signed)" >&2; exit 2 ;;
esac
