# 6050-mediaconvert-standin: the MediaConvert stand-in (tests/fixtures/mediaconvert_standin.py) refuses what the
# real service refuses, checked against botocore's own model: boto3 drives it as it would drive AWS. A valid
# CreateJob is accepted; an unknown field, a wrong type, an enum value outside the model, a value over a maximum
# and a missing required member are refused with 400 BadRequestException; the same ClientRequestToken returns
# the same job; unsigned requests and requests signed for another service are refused.
. tests/lib.sh

mc_start --token-window 2

# mc CODE: Python with `c` a boto3 MediaConvert client at the stand-in and `job` a valid CreateJob request.
mc() {
    python3 -c "
import boto3, botocore, json, copy
c = boto3.client('mediaconvert', endpoint_url='$MC_URL', region_name='us-east-1')
job = {'Role': 'arn:aws:iam::123456789012:role/mc', 'JobTemplate': 'hls',
       'Settings': {'Inputs': [{'FileInput': 's3://in/uploads/u1/v1/a b.mp4'}],
                    'OutputGroups': [{'OutputGroupSettings': {'Type': 'HLS_GROUP_SETTINGS',
                        'HlsGroupSettings': {'Destination': 's3://out/videos/u1/v1/', 'SegmentLength': 6}}}]},
       'UserMetadata': {'video_id': 'v1'}}
def refused(**kw):
    try:
        c.create_job(**kw)
    except botocore.exceptions.ClientError as e:
        print(e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Code'], e.response['Error']['Message'])
    else:
        print('accepted')
$1"
}

t_eq "a job template is created" "hls CUSTOM" "$(mc "t = c.create_job_template(Name='hls', Settings={'OutputGroups': [{'Name': 'HLS', 'OutputGroupSettings': {'Type': 'HLS_GROUP_SETTINGS', 'HlsGroupSettings': {'SegmentLength': 6, 'MinSegmentLength': 0}}, 'Outputs': [{'NameModifier': '_720', 'ContainerSettings': {'Container': 'M3U8'}}]}]})['JobTemplate']
print(t['Name'], t['Type'])")"
t_contains "a second template of that name is a conflict" "$(mc "
try:
    c.create_job_template(Name='hls', Settings={})
except botocore.exceptions.ClientError as e:
    print(e.response['Error']['Code'])")" "ConflictException"

out=$(mc "r = c.create_job(**job)['Job']; print(r['Status'], r['JobTemplate'], r['Settings']['Inputs'][0]['FileInput'], r['UserMetadata']['video_id'], r['Id'])")
t_contains "a valid CreateJob is accepted as SUBMITTED" "$out" "SUBMITTED hls s3://in/uploads/u1/v1/a b.mp4 v1 "

# Refusals: what botocore's client-side validation would catch, sent raw so the stand-in sees them (boto3's
# own validation is turned off with parameter_validation=False).
raw() {
    python3 -c "
import boto3, botocore, botocore.config, json
cfg = botocore.config.Config(parameter_validation=False)
c = boto3.client('mediaconvert', endpoint_url='$MC_URL', region_name='us-east-1', config=cfg)
job = {'Role': 'arn:aws:iam::123456789012:role/mc', 'Settings': {'Inputs': [{'FileInput': 's3://in/k.mp4'}]}}
$1
try:
    c.create_job(**job)
except botocore.exceptions.ClientError as e:
    print(e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Code'], e.response['Error']['Message'])
else:
    print('accepted')"
}
# An unknown field cannot go through boto3's serializer: it is added to the body just before signing.
out=$(raw "def add_field(request, **kw):
    body = json.loads(request.data); body['settings']['inputs'][0]['noSuchField'] = 1
    request.data = json.dumps(body).encode()
c.meta.events.register('before-sign.mediaconvert.CreateJob', add_field)")
t_contains "an unknown field is refused" "$out" "400 BadRequestException"
t_contains "naming the field" "$out" "noSuchField"
out=$(raw "job['Priority'] = 'high'")
t_contains "a wrong type is refused" "$out" "400 BadRequestException"
t_contains "naming the member" "$out" "Priority"
out=$(raw "job['Settings']['OutputGroups'] = [{'OutputGroupSettings': {'Type': 'MP4_GROUP_SETTINGS'}}]")
t_contains "an enum value outside the model is refused" "$out" "400 BadRequestException"
t_contains "naming the value" "$out" "MP4_GROUP_SETTINGS"
out=$(raw "job['Priority'] = 51")
t_contains "a value over the model's maximum is refused" "$out" "400 BadRequestException"
out=$(raw "job['Priority'] = -51")
t_contains "a value under the model's minimum is refused" "$out" "400 BadRequestException"
out=$(raw "del job['Role']")
t_contains "a missing required member is refused" "$out" "400 BadRequestException"
t_contains "naming it" "$out" "Role"
out=$(raw "job['Settings']['OutputGroups'] = [{'OutputGroupSettings': {'Type': 'HLS_GROUP_SETTINGS', 'HlsGroupSettings': {'Destination': 'https://out/x/'}}}]")
t_contains "a destination that does not match the model's pattern is refused" "$out" "400 BadRequestException"
out=$(raw "job['JobTemplate'] = 'no-such-template'")
t_contains "a job template that does not exist is refused" "$out" "400 BadRequestException"
out=$(raw "job['Priority'] = True")
t_contains "a boolean where a number belongs is refused" "$out" "400 BadRequestException"

out=$(mc "a = c.create_job(ClientRequestToken='tok-1', **job)['Job']['Id']
b = c.create_job(ClientRequestToken='tok-1', **job)['Job']['Id']
d = c.create_job(ClientRequestToken='tok-2', **job)['Job']['Id']
print(a == b, a != d)")
t_eq "the same ClientRequestToken returns the same job; another token starts another" "True True" "$out"
sleep 2.2
out=$(mc "a = c.get_job(Id=c.list_jobs()['Jobs'][-1]['Id'])['Job']['Id']
b = c.create_job(ClientRequestToken='tok-1', **job)['Job']['Id']
print(len(c.list_jobs()['Jobs']))")
t_eq "after the idempotency window the token starts a new job (as MediaConvert documents)" "4" "$out"

t_eq "ListJobs lists newest first and filters by status" "4 0" \
    "$(mc "print(len(c.list_jobs(Order='DESCENDING')['Jobs']), len(c.list_jobs(Status='COMPLETE')['Jobs']))")"
id=$(mc "print(c.list_jobs()['Jobs'][0]['Id'])")
curl -s -X POST -d '{"outputGroupDetails": [{"outputDetails": [{"durationInMs": 10000}]}]}' \
    "$MC_URL/_standin/jobs/$id/complete" >/dev/null
t_eq "the test hook completes a job" "COMPLETE 10000" \
    "$(mc "j = c.get_job(Id='$id')['Job']; print(j['Status'], j['OutputGroupDetails'][0]['OutputDetails'][0]['DurationInMs'])")"
t_contains "GetJob of an unknown id is NotFoundException" \
    "$(mc "
try:
    c.get_job(Id='nope')
except botocore.exceptions.ClientError as e:
    print(e.response['Error']['Code'])")" "NotFoundException"

t_eq "UpdateJobTemplate replaces the settings whole" "[] new" \
    "$(mc "c.update_job_template(Name='hls', Description='new', Settings={'OutputGroups': []})
t = c.get_job_template(Name='hls')['JobTemplate']; print(t['Settings']['OutputGroups'], t['Description'])")"
t_eq "ListJobTemplates, DeleteJobTemplate" "['hls'] []" \
    "$(mc "a = [t['Name'] for t in c.list_job_templates()['JobTemplates']]
c.delete_job_template(Name='hls'); print(a, [t['Name'] for t in c.list_job_templates()['JobTemplates']])")"

# Presets and queues, the other resources MediaConvert keeps by name, with the same checks.
preset="{'VideoDescription': {'Width': 640, 'Height': 360, 'CodecSettings': {'Codec': 'H_264', 'H264Settings': {'RateControlMode': 'QVBR', 'MaxBitrate': 1500000}}}, 'ContainerSettings': {'Container': 'M3U8'}}"
t_eq "a preset is created, read and listed" "p360 CUSTOM 640 ['p360']" \
    "$(mc "p = c.create_preset(Name='p360', Settings=$preset)['Preset']
g = c.get_preset(Name='p360')['Preset']
print(p['Name'], p['Type'], g['Settings']['VideoDescription']['Width'], [x['Name'] for x in c.list_presets()['Presets']])")"
t_contains "a malformed preset is refused (a codec the model does not know)" "$(mc "
s = $preset; s['VideoDescription']['CodecSettings']['Codec'] = 'H_266'
try:
    c.create_preset(Name='bad', Settings=s)
except botocore.exceptions.ClientError as e:
    print(e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Code'], e.response['Error']['Message'])")" \
    "400 BadRequestException"
t_eq "UpdatePreset, DeletePreset" "small []" \
    "$(mc "c.update_preset(Name='p360', Description='small'); d = c.get_preset(Name='p360')['Preset']['Description']
c.delete_preset(Name='p360'); print(d, [x['Name'] for x in c.list_presets()['Presets']])")"
t_eq "the Default queue exists and cannot be deleted" "Default ACTIVE BadRequestException" \
    "$(mc "q = c.get_queue(Name='Default')['Queue']
try:
    c.delete_queue(Name='Default'); r = 'deleted'
except botocore.exceptions.ClientError as e:
    r = e.response['Error']['Code']
print(q['Name'], q['Status'], r)")"
t_eq "a queue is created, paused, tagged and deleted" "PAUSED {'team': 'media'} ['Default']" \
    "$(mc "q = c.create_queue(Name='batch', Tags={'team': 'media'})['Queue']
c.update_queue(Name='batch', Status='PAUSED')
st = c.get_queue(Name='batch')['Queue']['Status']; tags = c.list_tags_for_resource(Arn=q['Arn'])['ResourceTags']['Tags']
c.delete_queue(Name='batch'); print(st, tags, [x['Name'] for x in c.list_queues()['Queues']])")"
t_contains "a queue status outside the model is refused" "$(mc "
try:
    c.update_queue(Name='Default', Status='SLEEPING')
except botocore.exceptions.ClientError as e:
    print(e.response['Error']['Code'])")" "BadRequestException"

t_eq "an unsigned request is refused" "403" \
    "$(curl -s -o /dev/null -w '%{http_code}' "$MC_URL/2017-08-29/jobs")"
t_eq "a request signed for another service is refused" "403" \
    "$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 'aws:amz:us-east-1:s3' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$MC_URL/2017-08-29/jobs")"
t_eq "a request signed for mediaconvert is answered" "200" \
    "$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 'aws:amz:us-east-1:mediaconvert' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$MC_URL/2017-08-29/jobs")"
curl -s -X POST "$MC_URL/_standin/reset" >/dev/null
t_eq "reset forgets every job" "0" "$(mc "print(len(c.list_jobs()['Jobs']))")"
