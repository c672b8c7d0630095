/** The example written by `silverback config init`: every common section, commented. */
export const INIT_TEMPLATE = `# ------------------------------------------------------------------------------
# A declarative configuration for Silverback (Kong's kong.yml format).
#
# Use it in DB-less mode (database = off, declarative_config = /path/to/kong.yml),
# send it to a running DB-less node (curl -X POST :8001/config -F config=@kong.yml),
# or import it into a database (silverback config db_import kong.yml).
# Check it first with: silverback config parse kong.yml
# ------------------------------------------------------------------------------

# Required. 3.0 is current; 1.1 and 2.1 files are migrated on load (regex route
# paths gain their "~" prefix).
_format_version: "3.0"

# Apply write transformations (such as hashing basic-auth passwords). Files made by
# db_export say false, because their values are already in stored form.
_transform: true

# Entities may be nested in their parent (routes in services, plugins in routes,
# credentials in consumers, targets in upstreams, snis in certificates) or written
# at the top level, pointing at the parent by name or id. Items without an id get
# a deterministic one, so reloading the same file keeps the same ids.

#services:
#- name: example-service
#  url: http://example.com
#  routes:
#  - name: example-route
#    paths:
#    - /example
#    plugins:
#    - name: key-auth
#  plugins:
#  - name: rate-limiting
#    config:
#      minute: 60
#      policy: local

#routes:
#- name: another-route
#  service: example-service      # a reference by name
#  hosts:
#  - api.example.com

#consumers:
#- username: example-user
#  keyauth_credentials:
#  - key: my-secret-key
#  acls:
#  - group: admins

#plugins:
#- name: correlation-id          # a global plugin: no route, service or consumer
#  config:
#    header_name: X-Request-ID

#upstreams:
#- name: example-upstream
#  targets:
#  - target: 10.0.0.1:8080
#    weight: 100
#  - target: 10.0.0.2:8080
#    weight: 50

#certificates:
#- cert: |
#    -----BEGIN CERTIFICATE-----
#    ...
#  key: |
#    -----BEGIN PRIVATE KEY-----
#    ...
#  snis:
#  - name: example.com
`;
