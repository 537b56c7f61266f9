# shellcheck shell=bash disable=SC2034 # globals shared with scripts/e2e.sh
# Certificates and keys of the end-to-end tests, made with openssl (sourced by
# scripts/e2e.sh). make_fixtures runs once for all the CLIs: key generation
# is the slow part. Only the verification certificate, whose common name is
# the account's registration code, is made per run.

# ossl ARGS...: runs openssl quietly; fails with its output when it fails.
ossl() {
  local log rc=0
  log=$(openssl "$@" 2>&1) || rc=$?
  if [ "$rc" -ne 0 ]; then
    last_cmd=""
    fail "openssl $* exited $rc: $log"
  fi
}

# make_fixtures DIR: writes into DIR
#   ca.key, ca.pem          a CA (RSA 2048, CA:TRUE, keyCertSign)
#   verify.key              the key of the verification certificates
#   device-1.pem (RSA), device-2.pem (EC P-256): device certificates the CA signed
#   solo.pem                a self-signed device certificate (no registered CA)
#   expired.pem             a device certificate the CA signed, valid 2020-2021
make_fixtures() {
  local dir=$1 name
  mkdir -p "$dir"
  ossl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 30 \
    -subj "/O=iotdefender e2e/CN=e2e device CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' >"$dir/device.ext"

  ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/verify.key"
  ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/device-1.key"
  ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/device-2.key"
  ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/expired.key"
  for name in device-1 device-2 expired; do
    ossl req -new -key "$dir/$name.key" -subj "/CN=e2e-$name" -out "$dir/$name.csr"
  done
  for name in device-1 device-2; do
    ossl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
      -CAserial "$dir/ca.srl" -days 30 -sha256 -extfile "$dir/device.ext" -out "$dir/$name.pem"
  done
  ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/solo.key" \
    -out "$dir/solo.pem" -days 30 -subj "/CN=e2e-solo-device" -addext "basicConstraints=critical,CA:FALSE"

  # openssl x509 cannot date a certificate in the past; openssl ca can.
  mkdir -p "$dir/ca-db"
  : >"$dir/ca-db/index.txt"
  echo 1000 >"$dir/ca-db/serial"
  cat >"$dir/ca-db/ca.cnf" <<EOF
[ ca ]
default_ca = e2e
[ e2e ]
database = $dir/ca-db/index.txt
serial = $dir/ca-db/serial
new_certs_dir = $dir/ca-db
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
policy = anything
unique_subject = no
[ anything ]
commonName = supplied
EOF
  ossl ca -batch -config "$dir/ca-db/ca.cnf" -in "$dir/expired.csr" -out "$dir/expired.pem" -notext \
    -startdate 20200101000000Z -enddate 20210101000000Z -extfile "$dir/device.ext"
}

# verification_cert DIR CN OUT: a certificate for DIR's verification key with
# common name CN, signed by DIR's CA, written to OUT.
verification_cert() {
  local dir=$1 cn=$2 cert_out=$3
  ossl req -new -key "$dir/verify.key" -subj "/CN=$cn" -out "$cert_out.csr"
  ossl x509 -req -in "$cert_out.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAserial "$dir/ca.srl" \
    -days 1 -sha256 -out "$cert_out"
}
