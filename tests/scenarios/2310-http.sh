# 2310-http: the transport: connections are reused across calls in one run, the proxy environment is
# honoured, and no_proxy exempts hosts.
. tests/lib.sh
moto_start
python3 -c "
import boto3
d = boto3.client('dynamodb', endpoint_url='$MOTO_URL', region_name='us-east-1')
for i in range(12):
    d.create_table(TableName='vp-t%02d' % i, BillingMode='PAY_PER_REQUEST',
                   AttributeDefinitions=[{'AttributeName':'k','AttributeType':'S'}], KeySchema=[{'AttributeName':'k','KeyType':'HASH'}])"
fault_start
before=$(fault_stat connections)
t_status "six pages in one run" 0 "$VIDPIPE" debug call dynamodb ListTables '{"Limit":2}' --all-pages
t_contains "took six requests" "$T_ERR" "6 pages"
t_eq "over one connection" "1" "$(( $(fault_stat connections) - before - 1 ))"

# http_proxy: requests go through the proxy (absolute-form), unless no_proxy names the host.
export AWS_ENDPOINT_URL=$MOTO_URL
unset NO_PROXY no_proxy
before=$(fault_stat proxied)
t_status "a call with http_proxy set" 0 env http_proxy="$FAULT_URL" "$VIDPIPE" debug call sts GetCallerIdentity
t_eq "went through the proxy" "1" "$(( $(fault_stat proxied) - before ))"
before=$(fault_stat proxied)
t_status "a call with the host in no_proxy" 0 env http_proxy="$FAULT_URL" no_proxy=127.0.0.1 "$VIDPIPE" debug call sts GetCallerIdentity
t_eq "went direct" "0" "$(( $(fault_stat proxied) - before ))"
