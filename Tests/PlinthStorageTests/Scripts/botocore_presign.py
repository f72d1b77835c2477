#!/usr/bin/env python3
"""Presigns S3 URLs with botocore at a fixed clock, for the differential test of our signer.

Reads one JSON object on stdin:
  {"access_key", "secret_key", "session_token" (or null), "region", "endpoint" (or null),
   "path_style", "bucket", "time" (unix seconds),
   "cases": [{"method": "GET"|"PUT", "key", "expires", "content_type" (or null)}]}
Writes a JSON list with one URL per case.
"""
import datetime
import json
import sys
from unittest import mock

import boto3
import botocore.auth
from botocore.config import Config


def main():
    spec = json.load(sys.stdin)
    fixed = datetime.datetime.fromtimestamp(spec["time"], datetime.timezone.utc).replace(tzinfo=None)
    session = boto3.session.Session(
        aws_access_key_id=spec["access_key"],
        aws_secret_access_key=spec["secret_key"],
        aws_session_token=spec.get("session_token"),
        region_name=spec["region"],
    )
    config = Config(signature_version="s3v4", s3={"addressing_style": "path" if spec["path_style"] else "virtual"})
    client = session.client("s3", endpoint_url=spec.get("endpoint"), config=config)
    urls = []
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=fixed):
        for case in spec["cases"]:
            params = {"Bucket": spec["bucket"], "Key": case["key"]}
            if case.get("content_type"):
                params["ContentType"] = case["content_type"]
            operation = "get_object" if case["method"] == "GET" else "put_object"
            urls.append(client.generate_presigned_url(operation, Params=params, ExpiresIn=case["expires"]))
    json.dump(urls, sys.stdout)


if __name__ == "__main__":
    main()
