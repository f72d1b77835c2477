#!/usr/bin/env python3
"""Uses presigned URLs the way a browser or another service would: no credentials.

Reads JSON on stdin: {"put": {"url", "headers"}, "get": {"url"}, "data_hex",
"s3": {"endpoint", "bucket", "key", "access_key", "secret_key", "region"}}.
PUTs the bytes with exactly the signed headers, GETs them back, then reads the object with
boto3 to confirm it is really in the bucket with that content type. Prints JSON:
{"put_status", "get_status", "same_bytes", "boto3_same_bytes", "boto3_content_type"}.
"""
import json
import sys
import urllib.request

import boto3
from botocore.config import Config


def main():
    spec = json.load(sys.stdin)
    data = bytes.fromhex(spec["data_hex"])
    put = urllib.request.Request(spec["put"]["url"], data=data, method="PUT", headers=spec["put"]["headers"])
    with urllib.request.urlopen(put) as response:
        put_status = response.status
    with urllib.request.urlopen(spec["get"]["url"]) as response:
        get_status = response.status
        fetched = response.read()
    s3 = spec["s3"]
    client = boto3.client(
        "s3", endpoint_url=s3["endpoint"], region_name=s3["region"],
        aws_access_key_id=s3["access_key"], aws_secret_access_key=s3["secret_key"],
        config=Config(s3={"addressing_style": "path"}),
    )
    obj = client.get_object(Bucket=s3["bucket"], Key=s3["key"])
    body = obj["Body"].read()
    json.dump({
        "put_status": put_status,
        "get_status": get_status,
        "same_bytes": fetched == data,
        "boto3_same_bytes": body == data,
        "boto3_content_type": obj.get("ContentType"),
    }, sys.stdout)


if __name__ == "__main__":
    main()
