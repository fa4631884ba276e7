"""One request through one of Aliyun's Python SDKs, as a user's script
makes it:

- sdk "core": aliyun-python-sdk-core 2.16.1 with the alikafka request
  classes of aliyun-python-sdk-alikafka 1.0.6 (RPC signature v1, POST with
  every parameter in the query; method "GET" is the SDK's other choice);
- sdk "tea": alibabacloud_alikafka20190916 2.16.0 (V3 ACS3-HMAC-SHA256 by
  default; signature "v1" sets signature_algorithm='v2', RPC v1).

Reads one JSON object on standard input: sdk, signature, method, endpoint
("127.0.0.1:PORT"), accessKeyId, accessKeySecret, action, params (wire
names: {"InstanceId": ..., "Offsets": [...]}), and optionally timestamp
(an ISO 8601 time the SDK is made to send instead of now) and nonce (a
SignatureNonce it is made to reuse). Writes {"ok": true, "body": ...} or
{"ok": false, "status": HTTP status, "code", "message", "requestId",
"exception": class name} on standard output.
"""
import importlib
import json
import sys


def snake(name):
    out = ''
    for ch in name:
        out += ('_' + ch.lower()) if ch.isupper() and out else ch.lower()
    return out


def core_call(req):
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.acs_exception.exceptions import (ClientException,
                                                        ServerException)
    from aliyunsdkcore.utils import parameter_helper
    if req.get('timestamp'):
        parameter_helper.get_iso_8061_date = lambda: req['timestamp']
    if req.get('nonce'):
        parameter_helper.get_uuid = lambda: req['nonce']
    host, port = req['endpoint'].rsplit(':', 1)
    client = AcsClient(req['accessKeyId'], req['accessKeySecret'],
                       'cn-hangzhou', port=int(port))
    action = req['action']
    mod = importlib.import_module(
        'aliyunsdkalikafka.request.v20190916.%sRequest' % action)
    r = getattr(mod, '%sRequest' % action)()
    r.set_endpoint(host)
    r.set_accept_format('json')
    if req.get('method'):
        r.set_method(req['method'])
    # The request class's own setters, as a user calls them (set_Offsets
    # json.dumps its list itself).
    for k, v in req['params'].items():
        setter = getattr(r, 'set_' + k, None)
        if setter:
            setter(v)
        else:
            r.add_query_param(k, v if isinstance(v, str) else json.dumps(v))
    try:
        body = client.do_action_with_exception(r)
    except ServerException as e:
        return {'ok': False, 'status': e.get_http_status(),
                'code': e.get_error_code(), 'message': e.get_error_msg(),
                'requestId': e.get_request_id(), 'exception': 'ServerException'}
    except ClientException as e:
        return {'ok': False, 'status': None, 'code': e.get_error_code(),
                'message': e.get_error_msg(), 'requestId': None,
                'exception': 'ClientException'}
    return {'ok': True, 'body': json.loads(body)}


def tea_call(req):
    from alibabacloud_alikafka20190916.client import Client
    from alibabacloud_alikafka20190916 import models
    from alibabacloud_tea_openapi import models as open_api_models
    from alibabacloud_tea_openapi.utils import Utils
    from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
    if req.get('timestamp'):
        Utils.get_timestamp = staticmethod(lambda: req['timestamp'])
    if req.get('nonce'):
        Utils.get_nonce = staticmethod(lambda: req['nonce'])
    cfg = open_api_models.Config(access_key_id=req['accessKeyId'],
                                 access_key_secret=req['accessKeySecret'],
                                 endpoint=req['endpoint'], protocol='http',
                                 region_id='cn-hangzhou')
    if req.get('signature') == 'v1':
        cfg.signature_algorithm = 'v2'
    client = Client(cfg)
    action = req['action']
    model = getattr(models, '%sRequest' % action)().from_map(req['params'])
    try:
        resp = getattr(client, snake(action))(model)
    except AlibabaCloudException as e:
        return {'ok': False, 'status': e.status_code, 'code': e.code,
                'message': e.message, 'requestId': e.request_id,
                'exception': type(e).__name__}
    return {'ok': True, 'body': resp.body.to_map()}


def main():
    req = json.load(sys.stdin)
    out = core_call(req) if req['sdk'] == 'core' else tea_call(req)
    sys.stdout.write(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
