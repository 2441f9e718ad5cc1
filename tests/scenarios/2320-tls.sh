# 2320-tls: TLS verification is on: an HTTPS endpoint with a certificate no CA vouches for is refused, and
# accepted once AWS_CA_BUNDLE names that certificate (as the AWS SDKs do).
. tests/lib.sh
moto_start
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" >/dev/null 2>&1 || { t_fail "openssl made a test certificate"; exit 0; }
portfile=$T_TMP/tls.port
t_bg python3 "$VP_ROOT/tests/fixtures/fault_proxy.py" --upstream "$MOTO_URL" --tls-cert "$T_TMP/cert.pem" --tls-key "$T_TMP/key.pem" >"$portfile" 2>/dev/null
for _ in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.05; done
export AWS_ENDPOINT_URL="https://127.0.0.1:$(head -n 1 "$portfile")" AWS_MAX_ATTEMPTS=1
t_status "an untrusted certificate is refused" 1 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "with the TLS reason" "$T_ERR" "certificate"
t_status "AWS_CA_BUNDLE trusts it" 0 env AWS_CA_BUNDLE="$T_TMP/cert.pem" "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "and the call goes through" "$T_OUT" "<Account>123456789012</Account>"
