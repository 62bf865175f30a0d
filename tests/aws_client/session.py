"""Drives `lambda-versioning-server` (the `server/` crate) with real AWS clients (boto3 and the AWS CLI).

Usage: python session.py <path to the lambda-versioning-server binary>

Starts the server on a free loopback port, runs a realistic session through boto3 --
create a function, publish two versions, create a weighted alias, invoke it many times,
provoke error cases, add and read a policy, delete versions and the function -- then a
few AWS CLI commands, and stops the server. Every check is an assert on exact values;
the script exits non-zero on the first failure. Run by `.ci/run`.
"""

import base64
import io
import json
import os
import subprocess
import sys
import zipfile

import boto3
import botocore.config
import botocore.exceptions

REGION = "us-east-1"
ACCOUNT = "123456789012"
FN = "orders"
ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FN}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/orders-exec"
REVISION_MISMATCH = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
)

verified_operations = set()
verified_errors = []


def zip_bytes(source):
    """A zip of `source` as app.py, the same bytes on every call: the entry's timestamp is
    fixed (a name alone would stamp it with the current time, so two calls a second apart
    could differ and the CodeSha256 check would fail by chance)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("app.py", date_time=(2026, 1, 1, 0, 0, 0)), source)
    return buf.getvalue()


def call(client, operation, **params):
    result = getattr(client, operation)(**params)
    verified_operations.add(operation)
    return result


def expect_error(client, operation, code, status, message, **params):
    """Calls `operation` and checks the client raised `code` with exactly `message`."""
    try:
        getattr(client, operation)(**params)
    except botocore.exceptions.ClientError as e:
        err = e.response["Error"]
        got = (err.get("Code"), e.response["ResponseMetadata"]["HTTPStatusCode"], err.get("Message"))
        assert got == (code, status, message), f"{operation}: expected {(code, status, message)}, got {got}"
        # The modeled exception class of the client is raised for modeled errors.
        modeled = getattr(client.exceptions, code, None)
        if modeled is not None:
            assert isinstance(e, modeled), f"{operation}: {type(e).__name__} is not {code}"
        verified_errors.append((operation, code, status))
        verified_operations.add(operation)
        return
    raise AssertionError(f"{operation}: expected {code}, got success")


def session(client):
    # CreateFunction answers Pending; the function becomes Active after the settle delay.
    created = call(
        client, "create_function",
        FunctionName=FN, Runtime="python3.12", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": zip_bytes("print('v1')")}, Description="orders service",
    )
    assert created["State"] == "Pending", created
    assert created["StateReasonCode"] == "Creating"
    assert created["Version"] == "$LATEST" and created["FunctionArn"] == ARN
    v1_sha = base64.b64encode(
        __import__("hashlib").sha256(zip_bytes("print('v1')")).digest()
    ).decode()
    assert created["CodeSha256"] == v1_sha and created["CodeSize"] == len(zip_bytes("print('v1')"))
    expect_error(
        client, "publish_version", "ResourceConflictException", 409,
        f"The operation cannot be performed at this time. The resource {ARN} is currently in the "
        "following state: 'Pending'. StateReasonCode: 'Creating'",
        FunctionName=FN,
    )
    client.get_waiter("function_active_v2").wait(
        FunctionName=FN, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    got = call(client, "get_function", FunctionName=FN)["Configuration"]
    assert got["State"] == "Active" and got["LastUpdateStatus"] == "Successful", got

    v1 = call(client, "publish_version", FunctionName=FN, Description="first")
    assert (v1["Version"], v1["FunctionArn"], v1["Description"]) == ("1", f"{ARN}:1", "first")

    # A code update is InProgress until it settles; publishing meanwhile is refused.
    updated = call(client, "update_function_code", FunctionName=FN, ZipFile=zip_bytes("print('v2')"))
    assert updated["LastUpdateStatus"] == "InProgress", updated
    expect_error(
        client, "publish_version", "ResourceConflictException", 409,
        f"The operation cannot be performed at this time. An update is in progress for resource: {ARN}",
        FunctionName=FN,
    )
    client.get_waiter("function_updated_v2").wait(
        FunctionName=FN, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    expect_error(
        client, "publish_version", "InvalidParameterValueException", 400,
        f"CodeSHA256 (not-the-sha) is different from current CodeSHA256 in $LATEST ({updated['CodeSha256']}). "
        "Please try again with the CodeSHA256 in $LATEST.",
        FunctionName=FN, CodeSha256="not-the-sha",
    )
    v2 = call(client, "publish_version", FunctionName=FN, CodeSha256=updated["CodeSha256"])
    assert v2["Version"] == "2" and v2["CodeSha256"] != v1["CodeSha256"]

    config = call(client, "update_function_configuration", FunctionName=FN, Timeout=30, MemorySize=256)
    assert (config["Timeout"], config["MemorySize"], config["LastUpdateStatus"]) == (30, 256, "InProgress")
    client.get_waiter("function_updated_v2").wait(
        FunctionName=FN, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    got = call(client, "get_function_configuration", FunctionName=FN, Qualifier="1")
    assert (got["Version"], got["Timeout"], got["FunctionArn"]) == ("1", 3, f"{ARN}:1"), got

    versions = call(client, "list_versions_by_function", FunctionName=FN)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    assert all("State" not in v for v in versions), "R31: list entries carry no state"

    # A weighted alias: 70% on version 1, 30% on version 2.
    live = call(
        client, "create_alias", FunctionName=FN, Name="live", FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.3}},
    )
    assert live["AliasArn"] == f"{ARN}:live"
    assert live["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.3}}
    assert call(client, "get_alias", FunctionName=FN, Name="live")["RevisionId"] == live["RevisionId"]
    stable = call(client, "create_alias", FunctionName=FN, Name="stable", FunctionVersion="1")
    assert "RoutingConfig" not in stable, "R37: no RoutingConfig without routing"

    counts = {}
    n = 400
    for _ in range(n):
        r = call(client, "invoke", FunctionName=FN, Qualifier="live", Payload=b'{"order": 1}')
        assert r["StatusCode"] == 200
        payload = json.loads(r["Payload"].read())
        assert payload["executedVersion"] == r["ExecutedVersion"]
        assert payload["invokedFunctionArn"] == f"{ARN}:live"
        counts[r["ExecutedVersion"]] = counts.get(r["ExecutedVersion"], 0) + 1
    assert set(counts) == {"1", "2"}, counts
    share = counts["2"] / n
    assert 0.21 <= share <= 0.39, f"version 2 got {share:.3f} of {n} invocations (weight 0.3)"
    print(f"  invoke {FN}:live x{n}: {counts} (version 2 share {share:.3f}, weight 0.3)")

    r = call(client, "invoke", FunctionName=f"{ARN}:stable", LogType="Tail")
    assert (r["StatusCode"], r["ExecutedVersion"]) == (200, "1")
    assert "no code ran" in base64.b64decode(r["LogResult"]).decode()
    r = call(client, "invoke", FunctionName=FN, InvocationType="Event")
    assert r["StatusCode"] == 202 and "ExecutedVersion" not in r
    r = call(client, "invoke", FunctionName=FN, Qualifier="2", InvocationType="DryRun")
    assert r["StatusCode"] == 204

    # Errors the client must surface with the service's code and message.
    expect_error(
        client, "get_alias", "ResourceNotFoundException", 404,
        f"Cannot find alias arn: {ARN}:canary", FunctionName=FN, Name="canary",
    )
    expect_error(
        client, "create_alias", "ResourceConflictException", 409,
        f"Alias already exists: {ARN}:live", FunctionName=FN, Name="live", FunctionVersion="2",
    )
    expect_error(
        client, "update_alias", "PreconditionFailedException", 412, REVISION_MISMATCH,
        FunctionName=FN, Name="live", Description="moved", RevisionId=stable["RevisionId"],
    )
    expect_error(
        client, "create_alias", "ValidationException", 400,
        "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
        FunctionName=FN, Name="2024", FunctionVersion="1",
    )
    expect_error(
        client, "create_alias", "InvalidParameterValueException", 400,
        "Number of items in AdditionalVersionWeights cannot be greater than 1",
        FunctionName=FN, Name="wide", FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.1, "3": 0.1}},
    )
    expect_error(
        client, "create_alias", "InvalidParameterValueException", 400,
        "$LATEST is not supported for an alias pointing to more than 1 version",
        FunctionName=FN, Name="edge", FunctionVersion="$LATEST",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}},
    )
    expect_error(
        client, "get_function", "ResourceNotFoundException", 404,
        f"Function not found: {ARN}:99", FunctionName=FN, Qualifier="99",
    )
    expect_error(
        client, "invoke", "ResourceNotFoundException", 404,
        f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:missing:$LATEST",
        FunctionName="missing",
    )
    expect_error(
        client, "invoke", "ValidationException", 400,
        "1 validation error detected: Value 'bad!' at 'qualifier' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+",
        FunctionName=FN, Qualifier="bad!",
    )
    expect_error(
        client, "invoke", "InvalidRequestContentException", 400,
        "Could not parse request body into json: Could not parse payload into json: "
        "expected ident at line 1 column 2",
        FunctionName=FN, Payload=b"not json",
    )
    expect_error(
        client, "get_function", "ResourceNotFoundException", 404,
        "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
        FunctionName=f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{FN}",
    )
    expect_error(
        client, "delete_function", "ResourceConflictException", 409,
        "Unable to delete version because the following aliases reference it: [live, stable]",
        FunctionName=FN, Qualifier="1",
    )
    expect_error(
        client, "delete_function", "InvalidParameterValueException", 400,
        "$LATEST version cannot be deleted without deleting the function.",
        FunctionName=FN, Qualifier="$LATEST",
    )
    expect_error(
        client, "add_permission", "InvalidParameterValueException", 400,
        "We currently do not support adding policies for $LATEST.",
        FunctionName=FN, Qualifier="$LATEST", StatementId="s3", Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
    )

    # A policy on the alias.
    added = call(
        client, "add_permission", FunctionName=FN, Qualifier="live", StatementId="s3",
        Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::orders-bucket",
    )
    statement = {
        "Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": f"{ARN}:live",
        "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::orders-bucket"}},
    }
    assert json.loads(added["Statement"]) == statement
    policy = call(client, "get_policy", FunctionName=FN, Qualifier="live")
    assert json.loads(policy["Policy"]) == {"Version": "2012-10-17", "Id": "default", "Statement": [statement]}
    expect_error(
        client, "add_permission", "ResourceConflictException", 409,
        "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.",
        FunctionName=FN, Qualifier="live", StatementId="s3", Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
    )
    expect_error(
        client, "get_policy", "ResourceNotFoundException", 404,
        "The resource you requested does not exist.", FunctionName=FN, Qualifier="stable",
    )
    call(client, "remove_permission", FunctionName=FN, Qualifier="live", StatementId="s3",
         RevisionId=policy["RevisionId"])
    expect_error(
        client, "remove_permission", "ResourceNotFoundException", 404,
        "No policy is associated with the given resource.",
        FunctionName=FN, Qualifier="live", StatementId="s3",
    )

    # Promote version 2, then clean up.
    promoted = call(
        client, "update_alias", FunctionName=FN, Name="live", FunctionVersion="2",
        RoutingConfig={"AdditionalVersionWeights": {}}, RevisionId=live["RevisionId"],
    )
    assert promoted["FunctionVersion"] == "2" and "RoutingConfig" not in promoted
    r = call(client, "invoke", FunctionName=FN, Qualifier="live")
    assert r["ExecutedVersion"] == "2"
    aliases = call(client, "list_aliases", FunctionName=FN, FunctionVersion="1")["Aliases"]
    assert [a["Name"] for a in aliases] == ["stable"]
    call(client, "delete_alias", FunctionName=FN, Name="stable")
    call(client, "delete_function", FunctionName=FN, Qualifier="1")
    versions = call(client, "list_versions_by_function", FunctionName=FN)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "2"]
    call(client, "delete_function", FunctionName=FN)
    expect_error(
        client, "get_function", "ResourceNotFoundException", 404,
        f"Function not found: {ARN}", FunctionName=FN,
    )


URL_QUALIFIER = r"((?!^\d+$)^[0-9a-zA-Z-_]+$)"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-queue"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq"
MISMATCH = "The derived qualifier from the function name does not match the specified qualifier."


def attached_session(client, endpoint):
    """Function URLs, asynchronous-invocation configs and event source mappings: every
    operation, the recorded refusals, a request on a function URL and an Event invoke."""
    import http.client
    import time
    from urllib.parse import urlparse

    fn = "bound"
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{fn}"
    call(client, "create_function", FunctionName=fn, Runtime="python3.12", Role=ROLE,
         Handler="app.handler", Code={"ZipFile": zip_bytes("print('bound')")})
    client.get_waiter("function_active_v2").wait(
        FunctionName=fn, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    call(client, "publish_version", FunctionName=fn)
    call(client, "update_function_code", FunctionName=fn, ZipFile=zip_bytes("print('bound 2')"))
    client.get_waiter("function_updated_v2").wait(
        FunctionName=fn, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    call(client, "publish_version", FunctionName=fn)
    call(client, "create_alias", FunctionName=fn, Name="live", FunctionVersion="1")

    # Function URLs (R124-R136).
    url = call(client, "create_function_url_config", FunctionName=fn, Qualifier="live", AuthType="NONE")
    assert url["FunctionArn"] == f"{arn}:live" and url["AuthType"] == "NONE", url
    assert url["FunctionUrl"].startswith("https://") and url["FunctionUrl"].endswith(f".lambda-url.{REGION}.on.aws/")
    url_id = url["FunctionUrl"][len("https://"):].split(".")[0]
    assert len(url_id) == 32, url_id
    expect_error(client, "create_function_url_config", "ValidationException", 400,
                 f"1 validation error detected: Value '1' at 'qualifier' failed to satisfy constraint: "
                 f"Member must satisfy regular expression pattern: {URL_QUALIFIER}",
                 FunctionName=fn, Qualifier="1", AuthType="NONE")
    expect_error(client, "create_function_url_config", "ResourceConflictException", 409,
                 f"Failed to create function url config for [functionArn = {arn}:live]. "
                 "Error message:  FunctionUrlConfig exists for this Lambda function",
                 FunctionName=fn, Qualifier="live", AuthType="NONE")
    expect_error(client, "create_function_url_config", "ResourceNotFoundException", 404,
                 "Function does not exist", FunctionName="nope", AuthType="NONE")
    expect_error(client, "create_function_url_config", "ValidationException", 400,
                 "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: "
                 "Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]",
                 FunctionName=fn, AuthType="NONE", InvokeMode="UNKNOWN")
    expect_error(client, "get_function_url_config", "ResourceNotFoundException", 404,
                 "The resource you requested does not exist.", FunctionName=fn)
    expect_error(client, "get_function_url_config", "InvalidParameterValueException", 400,
                 MISMATCH, FunctionName=f"{fn}:live", Qualifier="other")
    got = call(client, "get_function_url_config", FunctionName=fn, Qualifier="live")
    assert got["InvokeMode"] == "BUFFERED" and got["FunctionUrl"] == url["FunctionUrl"], got
    upd = call(client, "update_function_url_config", FunctionName=fn, Qualifier="live",
               Cors={"AllowOrigins": ["https://example.com"], "MaxAge": 60})
    assert upd["Cors"] == {"AllowOrigins": ["https://example.com"], "MaxAge": 60}, upd
    listed = call(client, "list_function_url_configs", FunctionName=fn)
    assert [c["FunctionArn"] for c in listed["FunctionUrlConfigs"]] == [f"{arn}:live"], listed
    expect_error(client, "list_function_url_configs", "ResourceNotFoundException", 404,
                 "Function does not exist", FunctionName="nope")

    # A request on the URL, addressed by Host on loopback (R134, R135).
    target = urlparse(endpoint)

    def on_url(host):
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        conn.request("POST", "/orders?id=1", body=b'{"id":1}', headers={"Host": host})
        r = conn.getresponse()
        answer = (r.status, r.getheader("x-amzn-ErrorType"), r.getheader("X-Amz-Executed-Version"), r.read())
        conn.close()
        return answer

    host = f"{url_id}.lambda-url.localhost"
    forbidden = on_url(host)
    assert forbidden[:2] == (403, "AccessDeniedException"), forbidden
    assert json.loads(forbidden[3])["Message"].startswith("Forbidden. For troubleshooting Function URL"), forbidden
    call(client, "add_permission", FunctionName=fn, Qualifier="live", StatementId="public-url",
         Action="lambda:InvokeFunctionUrl", Principal="*", FunctionUrlAuthType="NONE")
    assert on_url(host) == (200, None, "1", b'{"id":1}')
    call(client, "update_alias", FunctionName=fn, Name="live", FunctionVersion="2")
    assert on_url(host)[2] == "2", "the URL serves the alias's new target"

    # Asynchronous-invocation configs (R139-R149).
    put = call(client, "put_function_event_invoke_config", FunctionName=fn, Qualifier="live",
               MaximumRetryAttempts=1, DestinationConfig={"OnFailure": {"Destination": DLQ}})
    assert put["FunctionArn"] == f"{arn}:live" and put["MaximumRetryAttempts"] == 1, put
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": DLQ}}, put
    upd = call(client, "update_function_event_invoke_config", FunctionName=f"{fn}:live",
               MaximumEventAgeInSeconds=120)
    assert (upd["MaximumRetryAttempts"], upd["MaximumEventAgeInSeconds"]) == (1, 120), upd
    got = call(client, "get_function_event_invoke_config", FunctionName=fn, Qualifier="live")
    assert got["MaximumEventAgeInSeconds"] == 120, got
    listed = call(client, "list_function_event_invoke_configs", FunctionName=fn)
    assert [c["FunctionArn"] for c in listed["FunctionEventInvokeConfigs"]] == [f"{arn}:live"]
    expect_error(client, "put_function_event_invoke_config", "InvalidParameterValueException", 400,
                 "You must specify at least one of error handling or destination setting.", FunctionName=fn)
    expect_error(client, "get_function_event_invoke_config", "ResourceNotFoundException", 404,
                 f"The function {arn}:$LATEST doesn't have an EventInvokeConfig", FunctionName=fn)
    expect_error(client, "put_function_event_invoke_config", "InvalidParameterValueException", 400,
                 "You can't specify the function as a destination for itself.", FunctionName=fn,
                 DestinationConfig={"OnSuccess": {"Destination": arn}})
    expect_error(client, "put_function_event_invoke_config", "InvalidParameterValueException", 400,
                 MISMATCH, FunctionName=f"{fn}:1", Qualifier="live", MaximumRetryAttempts=0)
    expect_error(client, "put_function_event_invoke_config", "ValidationException", 400,
                 "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy "
                 "constraint: Member must have value less than or equal to 2",
                 FunctionName=fn, MaximumRetryAttempts=3)
    expect_error(client, "update_function_event_invoke_config", "ResourceNotFoundException", 404,
                 "The function doesn't exist.", FunctionName="nope", MaximumRetryAttempts=0)
    event = call(client, "invoke", FunctionName=fn, Qualifier="live", InvocationType="Event", Payload=b'{"n":1}')
    assert event["StatusCode"] == 202, event
    call(client, "delete_function_event_invoke_config", FunctionName=fn, Qualifier="live")
    expect_error(client, "delete_function_event_invoke_config", "ResourceNotFoundException", 404,
                 f"The function {arn}:live doesn't have an EventInvokeConfig", FunctionName=fn, Qualifier="live")

    # Event source mappings (R151-R158).
    esm = call(client, "create_event_source_mapping", EventSourceArn=QUEUE, FunctionName=f"{fn}:live", BatchSize=5)
    assert (esm["State"], esm["FunctionArn"], esm["BatchSize"]) == ("Creating", f"{arn}:live", 5), esm
    assert esm["ResponseMetadata"]["HTTPStatusCode"] == 202
    uuid = esm["UUID"]
    expect_error(client, "create_event_source_mapping", "ResourceConflictException", 409,
                 f'An event source mapping with SQS arn (" {QUEUE} ") and function (" {fn} ") already exists. '
                 f"Please update or delete the existing mapping with UUID {uuid}",
                 EventSourceArn=QUEUE, FunctionName=fn)
    expect_error(client, "create_event_source_mapping", "InvalidParameterValueException", 400,
                 "Function does not exist", EventSourceArn=QUEUE, FunctionName=f"{fn}:ghost")
    expect_error(client, "get_event_source_mapping", "ResourceNotFoundException", 404,
                 "The resource you requested does not exist.", UUID="00000000-0000-4000-8000-000000000000")
    deadline = time.monotonic() + 10
    while call(client, "get_event_source_mapping", UUID=uuid)["State"] != "Enabled":
        assert time.monotonic() < deadline, "the mapping did not settle"
        time.sleep(0.1)
    moved = call(client, "update_event_source_mapping", UUID=uuid, FunctionName=f"{arn}:1")
    assert (moved["State"], moved["FunctionArn"], moved["UUID"]) == ("Updating", f"{arn}:1", uuid), moved
    listed = call(client, "list_event_source_mappings", FunctionName=fn)
    assert [m["UUID"] for m in listed["EventSourceMappings"]] == [uuid], listed
    assert call(client, "list_event_source_mappings", FunctionName="nope")["EventSourceMappings"] == []
    deleting = call(client, "delete_event_source_mapping", UUID=uuid)
    assert deleting["State"] == "Deleting", deleting
    call(client, "delete_function_url_config", FunctionName=fn, Qualifier="live")
    expect_error(client, "delete_function_url_config", "ResourceNotFoundException", 404,
                 "The resource you requested does not exist.", FunctionName=fn, Qualifier="live")
    print("  attached resources: function URLs (incl. a request by Host), invoke configs (incl. an Event "
          "invoke), event source mappings: ok")


def concurrency_session(client):
    """Provisioned and reserved concurrency, throttling, tags and ListFunctions."""
    import time

    fn = "capacity"
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{fn}"
    call(client, "create_function", FunctionName=fn, Runtime="python3.12", Role=ROLE,
         Handler="app.handler", Code={"ZipFile": zip_bytes("print('c')")})
    client.get_waiter("function_active_v2").wait(
        FunctionName=fn, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    call(client, "publish_version", FunctionName=fn)
    call(client, "update_function_configuration", FunctionName=fn, Description="two")
    client.get_waiter("function_updated_v2").wait(
        FunctionName=fn, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    call(client, "publish_version", FunctionName=fn)
    call(client, "create_alias", FunctionName=fn, Name="live", FunctionVersion="1")

    # Provisioned concurrency (R98-R112).
    put = call(client, "put_provisioned_concurrency_config", FunctionName=fn, Qualifier="live",
               ProvisionedConcurrentExecutions=2)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202, put
    assert (put["Status"], put["RequestedProvisionedConcurrentExecutions"],
            put["AllocatedProvisionedConcurrentExecutions"]) == ("IN_PROGRESS", 2, 0), put
    deadline = time.monotonic() + 10
    while call(client, "get_provisioned_concurrency_config", FunctionName=fn, Qualifier="live")["Status"] != "READY":
        assert time.monotonic() < deadline, "the provisioned config did not settle"
        time.sleep(0.1)
    listed = call(client, "list_provisioned_concurrency_configs", FunctionName=fn)
    assert [c["FunctionArn"] for c in listed["ProvisionedConcurrencyConfigs"]] == [f"{arn}:live"], listed
    expect_error(client, "put_provisioned_concurrency_config", "InvalidParameterValueException", 400,
                 "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
                 FunctionName=fn, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1)
    expect_error(client, "get_provisioned_concurrency_config", "InvalidParameterValueException", 400,
                 "The function resource provided must be an alias or a published version.",
                 FunctionName=fn, Qualifier="$LATEST")
    expect_error(client, "get_provisioned_concurrency_config", "ProvisionedConcurrencyConfigNotFoundException", 404,
                 "No Provisioned Concurrency Config found for this function", FunctionName=fn, Qualifier="2")
    expect_error(client, "get_provisioned_concurrency_config", "ResourceNotFoundException", 404,
                 f"Cannot find alias arn: {arn}:ghost", FunctionName=fn, Qualifier="ghost")
    expect_error(client, "put_provisioned_concurrency_config", "ResourceConflictException", 409,
                 "Version is pointed by a Provisioned Concurrency alias",
                 FunctionName=fn, Qualifier="1", ProvisionedConcurrentExecutions=1)

    # Reserved concurrency (R115-R122) and the throttle (R119, R123).
    expect_error(client, "put_function_concurrency", "InvalidParameterValueException", 400,
                 " ReservedConcurrentExecutions  1 should not be lower than function's total "
                 "provisioned concurrency [2].", FunctionName=fn, ReservedConcurrentExecutions=1)
    expect_error(client, "put_function_concurrency", "InvalidParameterValueException", 400,
                 "This operation is permitted on Lambda functions only. Aliases and versions do not support "
                 "this operation. Please specify either a function name or an unqualified function ARN.",
                 FunctionName=f"{arn}:$LATEST", ReservedConcurrentExecutions=1)
    expect_error(client, "put_function_concurrency", "ResourceNotFoundException", 404,
                 f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:nope:$LATEST",
                 FunctionName="nope", ReservedConcurrentExecutions=0)
    assert "ReservedConcurrentExecutions" not in call(client, "get_function_concurrency", FunctionName=fn)
    call(client, "delete_provisioned_concurrency_config", FunctionName=fn, Qualifier="live")
    reserved = call(client, "put_function_concurrency", FunctionName=fn, ReservedConcurrentExecutions=0)
    assert reserved["ReservedConcurrentExecutions"] == 0
    got = call(client, "get_function", FunctionName=fn)
    assert got["Concurrency"] == {"ReservedConcurrentExecutions": 0}, got
    assert got["Code"]["RepositoryType"] == "S3", got
    try:
        client.invoke(FunctionName=fn, Qualifier="live", Payload=b"{}")
        raise AssertionError("expected a throttle")
    except client.exceptions.TooManyRequestsException as e:
        assert e.response["Error"]["Message"] == "Rate Exceeded.", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert e.response.get("Reason") == "ReservedFunctionConcurrentInvocationLimitExceeded", e.response
        verified_errors.append(("invoke", "TooManyRequestsException", 429))
    event = call(client, "invoke", FunctionName=fn, InvocationType="Event", Payload=b"{}")
    assert event["StatusCode"] == 202
    call(client, "delete_function_concurrency", FunctionName=fn)
    assert call(client, "invoke", FunctionName=fn, Qualifier="live", Payload=b"{}")["StatusCode"] == 200

    # Tags (R161-R166).
    rev = call(client, "get_function", FunctionName=fn)["Configuration"]["RevisionId"]
    call(client, "tag_resource", Resource=arn, Tags={"team": "payments", "env": "prod"})
    assert call(client, "get_function", FunctionName=fn)["Configuration"]["RevisionId"] != rev
    call(client, "untag_resource", Resource=arn, TagKeys=["env", "absent"])
    assert call(client, "list_tags", Resource=arn)["Tags"] == {"team": "payments"}
    assert call(client, "get_function", FunctionName=fn)["Tags"] == {"team": "payments"}
    expect_error(client, "tag_resource", "InvalidParameterValueException", 400,
                 "Tags on function aliases and versions are not supported. Please specify a function ARN.",
                 Resource=f"{arn}:live", Tags={"a": "b"})
    expect_error(client, "list_tags", "ResourceNotFoundException", 404,
                 f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:nope",
                 Resource=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nope")

    # ListFunctions (R167-R171), paged.
    seen, marker = [], None
    while True:
        kwargs = {"FunctionVersion": "ALL", "MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        page = call(client, "list_functions", **kwargs)
        seen += [f["FunctionArn"] for f in page["Functions"]]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert [a for a in seen if a.startswith(arn + ":")] == [f"{arn}:$LATEST", f"{arn}:1", f"{arn}:2"], seen
    plain = [f["FunctionArn"] for f in call(client, "list_functions")["Functions"]]
    assert arn in plain, plain
    expect_error(client, "list_functions", "ValidationException", 400,
                 "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy constraint: "
                 "Member must satisfy enum value set: [ALL]", FunctionVersion="invalid")
    # A container-image function (R172-R176): no image is pulled.
    digest = "ab" * 32
    uri = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/orders@sha256:{digest}"
    image = call(client, "create_function", FunctionName="image-fn", Role=ROLE, PackageType="Image",
                 Code={"ImageUri": uri}, ImageConfig={"Command": ["app.handler"]})
    assert (image["PackageType"], image["CodeSha256"]) == ("Image", digest), image
    code = call(client, "get_function", FunctionName="image-fn")["Code"]
    assert code == {"ImageUri": uri, "RepositoryType": "ECR", "ResolvedImageUri": uri}, code
    expect_error(client, "create_function", "InvalidParameterValueException", 400,
                 "Source image orders:latest is not valid. Provide a valid source image.",
                 FunctionName="bad-image", Role=ROLE, PackageType="Image", Code={"ImageUri": "orders:latest"})
    client.get_waiter("function_active_v2").wait(
        FunctionName="image-fn", WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    expect_error(client, "update_function_code", "InvalidParameterValueException", 400,
                 "Please provide ImageUri when updating a function with packageType Image.",
                 FunctionName="image-fn", ZipFile=zip_bytes("print('x')"))
    other = f"arn:aws:lambda:{REGION}:210987654321:function:elsewhere"
    try:
        client.get_function(FunctionName=other)
        raise AssertionError("expected AccessDeniedException")
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDeniedException", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        verified_errors.append(("get_function", "AccessDeniedException", 403))
    print("  concurrency, throttling, tags, ListFunctions, images, another account: ok")


def cli(endpoint, *args):
    """Runs the AWS CLI against the server and returns its parsed JSON output."""
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION=REGION, AWS_PAGER="")
    aws = os.path.join(os.path.dirname(sys.executable), "aws")
    done = subprocess.run(
        [aws, "--endpoint-url", endpoint, "--output", "json", "lambda", *args],
        env=env, capture_output=True, text=True, timeout=60,
    )
    return done


def cli_session(endpoint):
    zip_path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "lambda_api_cli.zip")
    with open(zip_path, "wb") as f:
        f.write(zip_bytes("print('cli')"))
    done = cli(endpoint, "create-function", "--function-name", "cli-fn", "--runtime", "python3.12",
               "--role", ROLE, "--handler", "app.handler", "--zip-file", f"fileb://{zip_path}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["FunctionName"] == "cli-fn"
    done = cli(endpoint, "wait", "function-active-v2", "--function-name", "cli-fn")
    assert done.returncode == 0, done.stderr
    done = cli(endpoint, "publish-version", "--function-name", "cli-fn")
    assert done.returncode == 0 and json.loads(done.stdout)["Version"] == "1", done.stderr
    done = cli(endpoint, "get-alias", "--function-name", "cli-fn", "--name", "nope")
    expected = ("An error occurred (ResourceNotFoundException) when calling the GetAlias operation: "
                f"Cannot find alias arn: arn:aws:lambda:{REGION}:{ACCOUNT}:function:cli-fn:nope")
    assert done.returncode != 0 and expected in done.stderr, done.stderr
    done = cli(endpoint, "create-function-url-config", "--function-name", "cli-fn", "--auth-type", "AWS_IAM")
    assert done.returncode == 0 and json.loads(done.stdout)["AuthType"] == "AWS_IAM", done.stderr
    done = cli(endpoint, "list-event-source-mappings", "--function-name", "cli-fn")
    assert done.returncode == 0 and json.loads(done.stdout)["EventSourceMappings"] == [], done.stderr
    done = cli(endpoint, "get-function-event-invoke-config", "--function-name", "cli-fn")
    expected = ("An error occurred (ResourceNotFoundException) when calling the GetFunctionEventInvokeConfig "
                f"operation: The function arn:aws:lambda:{REGION}:{ACCOUNT}:function:cli-fn:$LATEST "
                "doesn't have an EventInvokeConfig")
    assert done.returncode != 0 and expected in done.stderr, done.stderr
    print("  aws cli: create-function, wait function-active-v2, publish-version, get-alias error, "
          "create-function-url-config, list-event-source-mappings, get-function-event-invoke-config error: ok")


def raw_checks(endpoint):
    """Bad input over a real socket: each gets a 4xx error body, and the server lives on."""
    import http.client
    import socket
    from urllib.parse import urlparse

    url = urlparse(endpoint)

    def request(method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, r.getheader("x-amzn-ErrorType"), json.loads(data) if data else None

    cases = [
        ("POST", "/2015-03-31/functions/f/aliases", b'{"Name":', 400, "InvalidRequestContentException"),
        ("POST", "/2015-03-31/functions/f/aliases", b'{"Name":5}', 400, "InvalidRequestContentException"),
        ("POST", "/2015-03-31/functions/f/versions", bytes(range(256)), 400, "InvalidRequestContentException"),
        ("GET", "/2015-03-31/layers", None, 404, "UnknownOperationException"),
        ("BREW", "/2015-03-31/functions/f", None, 404, "UnknownOperationException"),
        ("GET", "/2015-03-31/functions/%FF%FE", None, 400, "ValidationException"),
        ("POST", "/2015-03-31/functions", b"x" * (2 << 20), 413, "RequestTooLargeException"),
    ]
    for method, path, body, status, error in cases:
        got_status, got_error, got_body = request(method, path, body)
        assert (got_status, got_error) == (status, error), (method, path, got_status, got_error, got_body)
        assert isinstance(got_body.get("message", got_body.get("Message")), str), got_body
    # Not HTTP at all.
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(b"\x00\x01GARBAGE\r\n\r\n")
        sock.recv(4096)
    status, error, body = request("GET", "/2015-03-31/functions/still-here")
    assert (status, error) == (404, "ResourceNotFoundException"), (status, error, body)
    print(f"  raw HTTP: {len(cases)} malformed requests answered with 4xx error bodies; server still serving")


def limits_checks(binary):
    """The HTTP stack's bounds, against a server started with small limits and few file
    descriptors: each hostile client gets an answer or a closed connection, and the server
    keeps serving everyone else (regression tests of the tiny_http loop's failures)."""
    import resource
    import socket
    import time

    def low_fd_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    server = subprocess.Popen(
        [binary, "--addr", "127.0.0.1:0", "--max-connections", "8", "--header-timeout-ms", "1000",
         "--body-timeout-ms", "2000", "--max-header-bytes", "16384", "--max-body-bytes", str(1 << 20)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, preexec_fn=low_fd_limit,
    )
    try:
        first = server.stdout.readline().strip()
        assert first.startswith("listening on http://"), first
        host, port = first[len("listening on http://"):].rsplit(":", 1)
        port = int(port)

        def exchange(raw, timeout=10):
            with socket.create_connection((host, port), timeout=timeout) as sock:
                try:
                    sock.sendall(raw)
                except (BrokenPipeError, ConnectionResetError):
                    # The server refused the request part-way (an oversized header line)
                    # and closed; what it answered, if anything, is still read below.
                    pass
                data = b""
                try:
                    while True:
                        chunk = sock.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                except (socket.timeout, ConnectionResetError):
                    pass
                return data

        def serving():
            answer = exchange(b"GET /2015-03-31/functions/alive HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return answer.startswith(b"HTTP/1.1 404") and b"ResourceNotFoundException" in answer

        def rss_kib():
            with open(f"/proc/{server.pid}/status") as f:
                return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))

        # (a) A declared 100 GiB body: 413 from the declared length, nothing allocated.
        answer = exchange(b"POST /2015-03-31/functions HTTP/1.1\r\nHost: x\r\nContent-Length: 107374182400\r\n\r\nabc")
        assert answer.startswith(b"HTTP/1.1 413") and b"RequestTooLargeException" in answer, answer[:200]
        assert serving() and server.poll() is None
        # (b) Content-Length u64::MAX, ten times (each panicked a tiny_http worker): hyper
        # refuses the length while parsing (431) and closes; the process does not exit.
        for _ in range(10):
            answer = exchange(b"POST /2015-03-31/functions HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551615\r\n\r\nabc")
            assert answer.startswith((b"HTTP/1.1 413", b"HTTP/1.1 431")), answer[:200]
        assert serving() and server.poll() is None
        # A body that stalls: answered once the body timeout passes.
        started = time.monotonic()
        answer = exchange(b"POST /2015-03-31/functions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\"")
        assert answer.startswith(b"HTTP/1.1 400") and b"did not arrive within 2000 ms" in answer, answer[:300]
        assert time.monotonic() - started < 6
        # (d) As many stalled clients as there are connection slots: a new client is
        # served once the header timeout closes them.
        stalled = [socket.create_connection((host, port), timeout=10) for _ in range(8)]
        for sock in stalled:
            sock.sendall(b"GET /2015-03-31/functions/x HTTP/1.1\r\nHost:")
        started = time.monotonic()
        assert serving()
        waited = time.monotonic() - started
        assert waited < 5, waited
        for sock in stalled:
            sock.close()
        # (e) An endless header line: refused at the header limit; memory stays bounded.
        before = rss_kib()
        for _ in range(20):
            exchange(b"GET / HTTP/1.1\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
        grown = rss_kib() - before
        assert grown < 32 << 10, f"RSS grew by {grown} KiB"
        assert serving()
        assert server.poll() is None
        crowded = emfile_check(binary, low_fd_limit)
        print(f"  server limits: a 100 GiB Content-Length answered 413, u64::MAX refused (x10) without exiting; "
              f"a stalled body answered after the body timeout; 8 stalled header clients did not block a new one "
              f"(served in {waited:.1f} s); 20 x 1 MiB header lines grew RSS by {grown} KiB; "
              f"{crowded} connections against a 64-descriptor limit, then served again")
    finally:
        server.terminate()
        server.wait(timeout=10)


def emfile_check(binary, low_fd_limit):
    """(c) File descriptors exhausted: with 64 allowed and more connection slots than
    that, accept fails with EMFILE; the listener survives, and once the clients leave
    new ones are served. Returns how many connections were opened."""
    import socket
    import time

    server = subprocess.Popen(
        [binary, "--addr", "127.0.0.1:0", "--max-connections", "1000", "--header-timeout-ms", "5000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=low_fd_limit,
    )
    try:
        first = server.stdout.readline().strip()
        host, port = first[len("listening on http://"):].rsplit(":", 1)
        port = int(port)

        def serving():
            try:
                with socket.create_connection((host, port), timeout=2) as sock:
                    sock.sendall(b"GET /2015-03-31/functions/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    return sock.recv(64).startswith(b"HTTP/1.1 404")
            except OSError:
                return False

        crowd = []
        for _ in range(120):
            try:
                crowd.append(socket.create_connection((host, port), timeout=2))
            except OSError:
                break
        time.sleep(1.0)
        # Past the limit the server cannot accept: a request now goes unanswered.
        assert not serving(), "expected the descriptor limit to be reached"
        for sock in crowd:
            sock.close()
        deadline = time.monotonic() + 10
        while not serving():
            assert time.monotonic() < deadline, "the listener did not recover after EMFILE"
            time.sleep(0.2)
        assert server.poll() is None
        server.terminate()
        _, err = server.communicate(timeout=10)
        assert "accept failed" in err, err[-500:]
        return len(crowd)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)


def main():
    binary = sys.argv[1]
    server = subprocess.Popen(
        [binary, "--addr", "127.0.0.1:0", "--settle-ms", "300", "--max-body-bytes", str(1 << 20), "--log", "warn"],
        stdout=subprocess.PIPE, stderr=sys.stderr, text=True,
    )
    try:
        first = server.stdout.readline().strip()
        assert first.startswith("listening on http://"), f"unexpected first line: {first!r}"
        endpoint = first[len("listening on "):]
        print(f"server at {endpoint}")
        client = boto3.client(
            "lambda", endpoint_url=endpoint, region_name=REGION,
            aws_access_key_id="test", aws_secret_access_key="test",
            config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
        )
        session(client)
        attached_session(client, endpoint)
        concurrency_session(client)
        raw_checks(endpoint)
        cli_session(endpoint)
        limits_checks(binary)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"  boto3 operations verified ({len(verified_operations)}): {', '.join(sorted(verified_operations))}")
    print(f"  error answers verified ({len(verified_errors)}):")
    for operation, code, status in verified_errors:
        print(f"    {operation}: {code} ({status})")
    print("aws client session: all checks passed")


if __name__ == "__main__":
    main()
