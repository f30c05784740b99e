#!/usr/bin/env bash
# Regenerates the test PKI for the replication TLS tests and bench/replication (run from this directory):
# a cluster CA with certificates for a primary and a backup host, and a rogue CA with a certificate that the
# cluster must refuse. EC P-256 keys, PKCS#8 PEM, valid for 100 years. Test material only: never deploy it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
days=36500
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() { # name subject
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -subj "$2" -days $days -sha256 -out "$1.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
leaf() { # name subject ca
    key "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days $days -sha256 \
        -extfile "$1.ext" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
}
ca ca "/CN=ftvm test cluster CA"
leaf primary "/CN=ftvm-primary" ca
leaf backup "/CN=ftvm-backup" ca
ca rogue-ca "/CN=not the cluster CA"
leaf rogue "/CN=ftvm-rogue" rogue-ca
rm -f ./*.srl ca.key rogue-ca.key
