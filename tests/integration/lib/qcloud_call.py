"""One request through the legacy Python SDK (qcloudapi-sdk-python 2.0.15),
as a user's script makes it: QcloudApi('ckafka', config).call(action,
params). The SDK speaks only HTTPS and verifies the server's certificate
against the CA in SSL_CERT_FILE.

Reads one JSON object on standard input: endpoint, secretId, secretKey,
method, signatureMethod, action, params. Writes the server's answer (the
body as the SDK returns it) on standard output; an SDK exception goes to
standard error with exit status 1.
"""
import json
import sys

from QcloudApi.qcloudapi import QcloudApi


def main():
    req = json.load(sys.stdin)
    config = {
        'secretId': req['secretId'],
        'secretKey': req['secretKey'],
        'endpoint': req['endpoint'],
        'method': req.get('method', 'GET'),
        'SignatureMethod': req.get('signatureMethod', 'HmacSHA1'),
        'Region': 'gz',
    }
    try:
        body = QcloudApi('ckafka', config).call(req['action'], req['params'])
    except Exception as e:  # the SDK's own exceptions carry the reason
        sys.stderr.write('%s: %s\n' % (type(e).__name__, e))
        return 1
    if isinstance(body, bytes):
        body = body.decode('utf-8')
    sys.stdout.write(body)
    return 0


if __name__ == '__main__':
    sys.exit(main())
