"""One request to Huawei DMS for Kafka's API through the cloud's own
Python SDK (huaweicloudsdkcore + huaweicloudsdkkafka 3.1.219), as a user's
script makes it.

Reads one JSON object on standard input:
- endpoint ("http://127.0.0.1:PORT"), ak, sk, project_id;
- call: a KafkaClient method ("show_groups", "reset_message_offset", ...)
  with args (its request's fields; "body" the reset body's fields); or
  call "raw" with method, path (escaped as sent), query (pairs), body
  (text) and headers: the SDK's own Signer signs it and urllib sends it
  (for the v1.0 URIs, which the SDK has no method for);
- date: an X-Sdk-Date ("YYYYMMDDTHHMMSSZ") the signer is made to use
  instead of now.
Writes {"ok": true, "status", "body", "requestId"} or {"ok": false,
"status", "error_code", "error_msg", "requestId", "exception"}.
"""
import datetime
import json
import sys
import urllib.error
import urllib.request


def fixed_clock(date):
    from huaweicloudsdkcore.signer import signer
    t = datetime.datetime.strptime(date, '%Y%m%dT%H%M%SZ')

    class Clock(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return t
    signer.datetime = Clock


def sdk_call(req):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.exceptions import exceptions
    from huaweicloudsdkkafka.v2 import KafkaClient
    import huaweicloudsdkkafka.v2 as models
    client = KafkaClient.new_builder() \
        .with_credentials(BasicCredentials(req['ak'], req['sk'],
                                           req['project_id'])) \
        .with_endpoints([req['endpoint']]) \
        .build()
    name = req['call']
    camel = ''.join(p.capitalize() for p in name.split('_'))
    args = dict(req.get('args') or {})
    if 'body' in args:
        args['body'] = models.ResetMessageOffsetReq(**args['body'])
    request = getattr(models, camel + 'Request')(**args)
    try:
        r = getattr(client, name)(request)
    except exceptions.ClientRequestException as e:
        return {'ok': False, 'status': e.status_code,
                'error_code': e.error_code, 'error_msg': e.error_msg,
                'requestId': e.request_id, 'exception': type(e).__name__}
    except exceptions.ServerResponseException as e:
        return {'ok': False, 'status': e.status_code,
                'error_code': e.error_code, 'error_msg': e.error_msg,
                'requestId': e.request_id, 'exception': type(e).__name__}
    import warnings
    warnings.simplefilter('ignore')
    raw = r.raw_content
    body = json.loads(raw) if raw else None
    return {'ok': True, 'status': r.status_code, 'body': body,
            'model': r.to_dict()}


def raw_call(req):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer
    host = req['endpoint'].split('://', 1)[1]
    body = req.get('body')
    headers = {'Content-Type': 'application/json',
               'X-Project-Id': req['project_id']}
    headers.update(req.get('headers') or {})
    # The SDK signs the path it is given with its segments unescaped and
    # escaped again; the wire carries the path as given.
    from urllib.parse import unquote
    sreq = SdkRequest(method=req['method'], schema='http', host=host,
                      resource_path=unquote(req['path']),
                      query_params=[tuple(p) for p in req.get('query', [])],
                      header_params=headers,
                      body=body.encode() if body is not None else '')
    Signer(BasicCredentials(req['ak'], req['sk'], req['project_id'])) \
        .sign(sreq)
    url = req['endpoint'] + req['path']
    if '?' in sreq.uri:
        url += '?' + sreq.uri.split('?', 1)[1]
    hreq = urllib.request.Request(
        url, data=body.encode() if body is not None else None,
        method=req['method'], headers=sreq.header_params)
    try:
        with urllib.request.urlopen(hreq, timeout=60) as r:
            text = r.read()
            return {'ok': True, 'status': r.status,
                    'body': json.loads(text) if text else None,
                    'requestId': r.headers.get('X-Request-Id')}
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            j = json.loads(text)
        except ValueError:
            j = {}
        return {'ok': False, 'status': e.code,
                'error_code': j.get('error_code'),
                'error_msg': j.get('error_msg', text.decode('utf-8', 'replace')),
                'requestId': e.headers.get('X-Request-Id'),
                'exception': 'HTTPError'}


def main():
    req = json.load(sys.stdin)
    if req.get('date'):
        fixed_clock(req['date'])
    out = raw_call(req) if req['call'] == 'raw' else sdk_call(req)
    json.dump(out, sys.stdout)


main()
