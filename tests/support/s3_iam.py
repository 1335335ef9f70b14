"""TEST DOUBLE for AWS IAM on S3 — an identity policy evaluated, as AWS documents it, for every
request a boto3 S3 client makes, live through botocore's event hooks.

Why not moto alone: moto's server (5.2, `moto/iam/access_control.py`) checks an IAM principal's
action and resource, but passes S3 requests no condition context (and knows only StringEquals),
so an `s3:prefix` condition always holds there; and it answers 404 for a missing key whatever
the caller may list. Here a denied request is answered 403 without reaching the server, and a
404 for a missing object becomes 403 when S3's implicit s3:ListBucket check would fail. Every
decision is recorded.

What it follows:
- evaluation: an explicit Deny wins, otherwise an Allow is needed (identity policy, one account)
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- conditions: a key absent from the request context does not match (a negated operator then
  holds; ...IfExists holds); StringLike's `*` and `?`; keys are case-insensitive
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- operation → action, resource, condition keys (ListBucket: s3:prefix, s3:delimiter, s3:max-keys)
  https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
  HeadObject needs s3:GetObject (API_HeadObject.html); HeadBucket needs s3:ListBucket
  (API_HeadBucket.html) and carries no s3:prefix.
- a missing object: "If you have the s3:ListBucket permission on the bucket, Amazon S3 returns
  404 ... If you don't, 403" (API_HeadObject.html, API_GetObject.html). Which s3:prefix that
  implicit check carries is not documented; Ceph RGW, to match AWS, gives it the object's key
  (ceph/ceph#68577). Both readings can be chosen: MISSING_KEY_PREFIX "key" or "absent".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MISSING_KEY_PREFIX = ("key", "absent")  # the s3:prefix of the implicit check on a missing object


class Unmodelled(AssertionError):
    """A request or policy element this evaluator does not know: extend it, never guess."""


# -- the policy, from the Terraform module ---------------------------------------------------------
def policy_from_terraform(module_dir: Path, document: str, variables: dict[str, str]) -> dict:
    """The S3 statements of `data "aws_iam_policy_document" <document>` as IAM JSON, with the
    module's `${var.x}` interpolations substituted (statements of other services are left out:
    their variables are not needed here)."""
    from tests.integration.terraform.test_terraform import configuration

    blocks = configuration(module_dir)["data"]["aws_iam_policy_document"][document]["statement"]
    statements = [_statement(b, variables) for b in blocks if any(a.startswith("s3:") for a in b["actions"])]
    return {"Version": "2012-10-17", "Statement": statements}


def _statement(block: dict, variables: dict[str, str]) -> dict:
    unknown = set(block) - {"sid", "effect", "actions", "resources", "condition"}
    if unknown:
        raise Unmodelled(f"statement {block.get('sid')}: {sorted(unknown)} not modelled")
    statement = {
        "Sid": block.get("sid", ""),
        "Effect": block.get("effect", "Allow"),  # the aws_iam_policy_document default
        "Action": list(block["actions"]),
        "Resource": [_substitute(r, variables) for r in block["resources"]],
    }
    conditions: dict[str, dict[str, list[str]]] = {}
    for condition in block.get("condition", []):
        keys = conditions.setdefault(condition["test"], {})
        if condition["variable"] in keys:
            raise Unmodelled(f"statement {statement['Sid']}: two {condition['test']} blocks on {condition['variable']}")
        keys[condition["variable"]] = [_substitute(v, variables) for v in condition["values"]]
    if conditions:
        statement["Condition"] = conditions
    return statement


def _substitute(text: str, variables: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        if match.group(1) not in variables:
            raise Unmodelled(f"no value for var.{match.group(1)} in {text}")
        return variables[match.group(1)]

    rendered = re.sub(r"\$\{var\.(\w+)\}", value, text)
    if "${" in rendered:
        raise Unmodelled(f"an interpolation this evaluator cannot render: {text}")
    return rendered


# -- evaluation --------------------------------------------------------------------------------------
def is_allowed(policy: dict, action: str, resource: str, context: dict[str, str]) -> bool:
    applying = [s for s in policy["Statement"] if _applies(s, action, resource, context)]
    if any(s["Effect"] == "Deny" for s in applying):
        return False
    return any(s["Effect"] == "Allow" for s in applying)


def _applies(statement: dict, action: str, resource: str, context: dict[str, str]) -> bool:
    unknown = set(statement) - {"Sid", "Effect", "Action", "Resource", "Condition"}
    if unknown:
        raise Unmodelled(f"policy elements {sorted(unknown)} not modelled")
    return (
        any(_like(pattern.lower(), action.lower()) for pattern in _listed(statement["Action"]))
        and any(_like(pattern, resource) for pattern in _listed(statement["Resource"]))
        and all(_holds(op, keys, context) for op, keys in statement.get("Condition", {}).items())
    )


def _holds(operator: str, keys: dict, context: dict[str, str]) -> bool:
    """Every key of one operator must hold; a key holds when any of its values matches."""
    base = operator.removesuffix("IfExists")
    if base not in _MATCH or ":" in operator:
        raise Unmodelled(f"condition operator {operator} not modelled")
    negated, match = _MATCH[base]
    present = {k.lower(): v for k, v in context.items()}
    for key, patterns in keys.items():
        if key.lower() not in present:
            if not (negated or operator.endswith("IfExists")):
                return False
            continue
        matched = any(match(p, present[key.lower()]) for p in _listed(patterns))
        if matched == negated:
            return False
    return True


_MATCH = {
    "StringEquals": (False, lambda pattern, value: pattern == value),
    "StringNotEquals": (True, lambda pattern, value: pattern == value),
    "StringLike": (False, lambda pattern, value: _like(pattern, value)),
    "StringNotLike": (True, lambda pattern, value: _like(pattern, value)),
}


def _like(pattern: str, value: str) -> bool:
    """IAM wildcards: `*` any run of characters (`/` included), `?` one character."""
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, value, flags=re.S) is not None


def _listed(value) -> list:
    return [value] if isinstance(value, str) else list(value)


# -- S3 requests -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class S3Request:
    operation: str
    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()


_OBJECT_ACTIONS = {
    "HeadObject": "s3:GetObject",
    "GetObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
}
_LIST_KEYS = {"Prefix": "s3:prefix", "Delimiter": "s3:delimiter", "MaxKeys": "s3:max-keys"}
# parameters that need further actions (s3:PutObjectAcl, s3:PutObjectTagging, s3:GetObjectVersion, …)
_UNMODELLED_PARAMS = {"ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP", "Tagging", "VersionId"}
_UNMODELLED_PARAMS |= {"ObjectLockMode", "ObjectLockRetainUntilDate", "ObjectLockLegalHoldStatus"}


def s3_request(operation: str, params: dict) -> S3Request:
    bucket_arn = f"arn:aws:s3:::{params['Bucket']}"
    unmodelled = _UNMODELLED_PARAMS & set(params)
    if unmodelled:
        raise Unmodelled(f"{operation} with {sorted(unmodelled)}: their permissions are not modelled")
    if operation in _OBJECT_ACTIONS:
        return S3Request(operation, _OBJECT_ACTIONS[operation], f"{bucket_arn}/{params['Key']}")
    if operation in ("ListObjectsV2", "ListObjects"):
        context = tuple((key, str(params[name])) for name, key in _LIST_KEYS.items() if name in params)
        return S3Request(operation, "s3:ListBucket", bucket_arn, context)
    if operation == "HeadBucket":
        return S3Request(operation, "s3:ListBucket", bucket_arn)
    raise Unmodelled(f"S3 operation {operation} is not modelled: add its action, resource and condition keys")


@dataclass(frozen=True)
class Decision:
    request: S3Request
    allowed: bool
    implicit: bool = False  # S3's own s3:ListBucket check on a missing object


@dataclass
class PolicyEnforcer:
    """Attach to a boto3 S3 client: each request is decided before it is sent, and a missing
    object's 404 kept only when the implicit s3:ListBucket check allows it."""

    policy: dict
    missing_key_prefix: str = "key"
    decisions: list[Decision] = field(default_factory=list)

    def attach(self, client) -> None:
        events = client.meta.events
        events.register("before-parameter-build.s3", self._describe)
        events.register("before-call.s3", self._authorize)
        events.register("after-call.s3", self._missing_object)

    def denied(self) -> list[Decision]:
        """Requests refused (a missing object's 403 is S3's answer, not a refused request)."""
        return [d for d in self.decisions if not d.allowed and not d.implicit]

    def operations(self) -> set[str]:
        return {d.request.operation for d in self.decisions if not d.implicit}

    def _decide(self, request: S3Request, implicit: bool = False) -> bool:
        allowed = is_allowed(self.policy, request.action, request.resource, dict(request.context))
        self.decisions.append(Decision(request, allowed, implicit))
        return allowed

    def _describe(self, params, model, context, **_) -> None:
        context["iam_request"] = s3_request(model.name, params)

    def _authorize(self, model, params, context, **_):
        if self._decide(context["iam_request"]):
            return None
        return _forbidden(model.name, params["url"])

    def _missing_object(self, http_response, parsed, model, context, **_) -> None:
        request = context.get("iam_request")
        if request is None or model.name not in ("HeadObject", "GetObject") or http_response.status_code != 404:
            return
        if parsed.get("Error", {}).get("Code") not in ("404", "NoSuchKey"):
            return  # NoSuchBucket: not about the key
        key = request.resource.split(":::", 1)[1].split("/", 1)[1]
        prefix = (("s3:prefix", key),) if self.missing_key_prefix == "key" else ()
        bucket_arn = request.resource.split("/", 1)[0]
        if self._decide(S3Request(model.name, "s3:ListBucket", bucket_arn, prefix), implicit=True):
            return
        http_response.status_code = 403
        parsed["Error"] = _forbidden(model.name, "")[1]["Error"]
        parsed.setdefault("ResponseMetadata", {})["HTTPStatusCode"] = 403


def _forbidden(operation: str, url: str):
    """S3's answer to a denied request: a HEAD has no body, so botocore reports the bare status."""
    from botocore.awsrequest import AWSResponse

    error = {"Code": "AccessDenied", "Message": "Access Denied"}
    if operation.startswith("Head"):
        error = {"Code": "403", "Message": "Forbidden"}
    return AWSResponse(url, 403, {}, None), {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}
