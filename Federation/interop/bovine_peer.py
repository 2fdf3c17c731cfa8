#!/usr/bin/env python3
"""Interop peer for CivicHub built on bovine 0.5.19, an independently written ActivityPub
implementation (by Helge, https://codeberg.org/bovine/bovine, MIT, installed from PyPI).

It checks a CivicHub node from the outside using bovine's own code wherever bovine has it:

* WebFinger of the handle and of the instance actor (``lookup_uri_with_webfinger``),
* signed GET of the actor documents (``SignedHttpClient.get``: draft-cavage, rsa-sha256) and
  parsing them with ``bovine.parse.Actor`` (JSON-LD compaction to bovine's context, inbox/outbox
  validation, ``publicKeyPem``, ``cryptographic_identifiers``, ``validate_acct_uri``),
* NodeInfo (``JrdData`` for the well-known document, ``fetch_nodeinfo20`` for the documents,
  ``bovine.types.nodeinfo.NodeInfo`` for the schema),
* then (unless --check-only) sends a Follow built by ``ActivityFactory`` and signed by
  ``SignedHttpClient.post`` from an actor it serves itself (built by
  ``bovine.activitystreams.Actor``, key from ``generate_rsa_public_private_key``), waits for the
  node's Accept, verifies its HTTP signature with ``build_validate_http_signature_raw`` (bovine's
  ``SignatureChecker``) and parses it with ``bovine.parse.Activity.accept_for_follow``.

Usage (the contract the Swift test relies on):

    python3 Federation/interop/bovine_peer.py --node http://127.0.0.1:NODEPORT \\
        --handle acct:NAME@127.0.0.1:NODEPORT --listen-port PEERPORT [--timeout 60] [--check-only]

Output: one JSON line per check on stdout, {"check": ..., "ok": ..., "detail": ...}, then
{"check": "summary", "ok": ..., "passed": N, "failed": M}. Exit status 0 only if every check
passed. Everything is bounded by --timeout (plus a watchdog for blocking calls). bovine's own log
messages go to stderr.
"""

import argparse
import asyncio
import atexit
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
from urllib.parse import urldefrag, urlsplit

# --- Before importing bovine ------------------------------------------------------------------
# bovine's WebFinger client builds https:// URLs from acct: domains and falls back to http:// only
# when this variable is set (bovine.clients.lookup_uri_with_webfinger). We pass an explicit
# http:// domain where we can; Actor.validate_acct_uri cannot take one, so it needs the fallback.
os.environ.setdefault("BUTCHER_ALLOW_HTTP", "1")
# Importing bovine opens a JSON-LD context cache, bovine_jsonld_cache.sqlite, in the *current
# directory*. Run in a private temporary directory so nothing lands in the repository.
WORKDIR = tempfile.mkdtemp(prefix="bovine-peer-")
os.chdir(WORKDIR)
atexit.register(shutil.rmtree, WORKDIR, True)

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

import bovine.jsonld  # noqa: E402
from bovine.activitystreams import Actor as ActorBuilder  # noqa: E402
from bovine.activitystreams.activity_factory import ActivityFactory  # noqa: E402
from bovine.clients import lookup_uri_with_webfinger  # noqa: E402
from bovine.clients.nodeinfo import fetch_nodeinfo20  # noqa: E402
from bovine.clients.signed_http import SignedHttpClient  # noqa: E402
from bovine.clients.utils import BOVINE_CLIENT_NAME  # noqa: E402
from bovine.crypto import build_validate_http_signature_raw, generate_rsa_public_private_key  # noqa: E402
from bovine.crypto.signature import Signature  # noqa: E402
from bovine.crypto.types import CryptographicIdentifier  # noqa: E402
from bovine.models import JrdData  # noqa: E402
from bovine.parse import Activity, Actor  # noqa: E402
from bovine.types.nodeinfo import NodeInfo  # noqa: E402
from bovine.utils import webfinger_response_json  # noqa: E402

AP_JSON = "application/activity+json"
NODEINFO_REL = "http://nodeinfo.diaspora.software/ns/schema/"
APPLICATION_REL = "https://www.w3.org/ns/activitystreams#Application"
SOFTWARE_NAME = "civichub"

# --- JSON-LD contexts, offline -----------------------------------------------------------------
# bovine.parse compacts every document with pyld, using bovine's document loader. That loader
# knows the ActivityStreams context and bovine's own, and fetches everything else from the
# network (requests, 60 s timeout, synchronous). The tests run without network, where a failed
# fetch becomes an *empty* context: publicKey / publicKeyPem / owner would then silently vanish.
# So the contexts actor documents name are handed to bovine's context cache here, as published
# at these URLs. (Only bovine.jsonld.jsonld_cache.cache, the in-memory dict, is touched.)
SEC = "https://w3id.org/security#"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
PROOF_PURPOSES = {
    "@protected": True,
    "id": "@id",
    "type": "@type",
    "assertionMethod": {"@id": SEC + "assertionMethod", "@type": "@id", "@container": "@set"},
    "authentication": {"@id": SEC + "authenticationMethod", "@type": "@id", "@container": "@set"},
    "capabilityInvocation": {"@id": SEC + "capabilityInvocationMethod", "@type": "@id", "@container": "@set"},
    "capabilityDelegation": {"@id": SEC + "capabilityDelegationMethod", "@type": "@id", "@container": "@set"},
    "keyAgreement": {"@id": SEC + "keyAgreementMethod", "@type": "@id", "@container": "@set"},
}
OFFLINE_CONTEXTS = {
    # https://w3id.org/security/v1 (W3C CCG security vocabulary v1)
    "https://w3id.org/security/v1": {
        "id": "@id",
        "type": "@type",
        "dc": "http://purl.org/dc/terms/",
        "sec": "https://w3id.org/security#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "EcdsaKoblitzSignature2016": "sec:EcdsaKoblitzSignature2016",
        "Ed25519Signature2018": "sec:Ed25519Signature2018",
        "EncryptedMessage": "sec:EncryptedMessage",
        "GraphSignature2012": "sec:GraphSignature2012",
        "LinkedDataSignature2015": "sec:LinkedDataSignature2015",
        "LinkedDataSignature2016": "sec:LinkedDataSignature2016",
        "CryptographicKey": "sec:Key",
        "authenticationTag": "sec:authenticationTag",
        "canonicalizationAlgorithm": "sec:canonicalizationAlgorithm",
        "cipherAlgorithm": "sec:cipherAlgorithm",
        "cipherData": "sec:cipherData",
        "cipherKey": "sec:cipherKey",
        "created": {"@id": "dc:created", "@type": "xsd:dateTime"},
        "creator": {"@id": "dc:creator", "@type": "@id"},
        "digestAlgorithm": "sec:digestAlgorithm",
        "digestValue": "sec:digestValue",
        "domain": "sec:domain",
        "encryptionKey": "sec:encryptionKey",
        "expiration": {"@id": "sec:expiration", "@type": "xsd:dateTime"},
        "expires": {"@id": "sec:expiration", "@type": "xsd:dateTime"},
        "initializationVector": "sec:initializationVector",
        "iterationCount": "sec:iterationCount",
        "nonce": "sec:nonce",
        "normalizationAlgorithm": "sec:normalizationAlgorithm",
        "owner": {"@id": "sec:owner", "@type": "@id"},
        "password": "sec:password",
        "privateKey": {"@id": "sec:privateKey", "@type": "@id"},
        "privateKeyPem": "sec:privateKeyPem",
        "publicKey": {"@id": "sec:publicKey", "@type": "@id"},
        "publicKeyBase58": "sec:publicKeyBase58",
        "publicKeyPem": "sec:publicKeyPem",
        "publicKeyWif": "sec:publicKeyWif",
        "publicKeyService": {"@id": "sec:publicKeyService", "@type": "@id"},
        "revoked": {"@id": "sec:revoked", "@type": "xsd:dateTime"},
        "salt": "sec:salt",
        "signature": "sec:signature",
        "signatureAlgorithm": "sec:signingAlgorithm",
        "signatureValue": "sec:signatureValue",
    },
    # https://w3id.org/security/data-integrity/v1 (W3C VC Data Integrity 1.0)
    "https://w3id.org/security/data-integrity/v1": {
        "id": "@id",
        "type": "@type",
        "@protected": True,
        "proof": {"@id": SEC + "proof", "@type": "@id", "@container": "@graph"},
        "DataIntegrityProof": {
            "@id": SEC + "DataIntegrityProof",
            "@context": {
                "@protected": True,
                "id": "@id",
                "type": "@type",
                "challenge": SEC + "challenge",
                "created": {"@id": "http://purl.org/dc/terms/created", "@type": XSD_DATETIME},
                "domain": SEC + "domain",
                "expires": {"@id": SEC + "expiration", "@type": XSD_DATETIME},
                "nonce": SEC + "nonce",
                "proofPurpose": {"@id": SEC + "proofPurpose", "@type": "@vocab", "@context": PROOF_PURPOSES},
                "cryptosuite": SEC + "cryptosuite",
                "proofValue": {"@id": SEC + "proofValue", "@type": SEC + "multibase"},
                "verificationMethod": {"@id": SEC + "verificationMethod", "@type": "@id"},
            },
        },
    },
    # https://w3id.org/security/multikey/v1 (W3C Controlled Identifiers, Multikey)
    "https://w3id.org/security/multikey/v1": {
        "id": "@id",
        "type": "@type",
        "@protected": True,
        "Multikey": {
            "@id": SEC + "Multikey",
            "@context": {
                "@protected": True,
                "id": "@id",
                "type": "@type",
                "controller": {"@id": SEC + "controller", "@type": "@id"},
                "revoked": {"@id": SEC + "revoked", "@type": XSD_DATETIME},
                "expires": {"@id": SEC + "expiration", "@type": XSD_DATETIME},
                "publicKeyMultibase": {"@id": SEC + "publicKeyMultibase", "@type": SEC + "multibase"},
                "secretKeyMultibase": {"@id": SEC + "secretKeyMultibase", "@type": SEC + "multibase"},
            },
        },
    },
    # https://www.w3.org/ns/did/v1 (W3C DID Core 1.0); part of bovine's own about:bovine context
    "https://www.w3.org/ns/did/v1": {
        "@protected": True,
        "id": "@id",
        "type": "@type",
        "alsoKnownAs": {"@id": "https://www.w3.org/ns/activitystreams#alsoKnownAs", "@type": "@id"},
        "assertionMethod": {"@id": SEC + "assertionMethod", "@type": "@id", "@container": "@set"},
        "authentication": {"@id": SEC + "authenticationMethod", "@type": "@id", "@container": "@set"},
        "capabilityDelegation": {"@id": SEC + "capabilityDelegationMethod", "@type": "@id", "@container": "@set"},
        "capabilityInvocation": {"@id": SEC + "capabilityInvocationMethod", "@type": "@id", "@container": "@set"},
        "controller": {"@id": SEC + "controller", "@type": "@id"},
        "keyAgreement": {"@id": SEC + "keyAgreementMethod", "@type": "@id", "@container": "@set"},
        "service": {
            "@id": "https://www.w3.org/ns/did#service",
            "@type": "@id",
            "@context": {
                "@protected": True,
                "id": "@id",
                "type": "@type",
                "serviceEndpoint": {"@id": "https://www.w3.org/ns/did#serviceEndpoint", "@type": "@id"},
            },
        },
        "verificationMethod": {"@id": SEC + "verificationMethod", "@type": "@id"},
    },
}
for _url, _context in OFFLINE_CONTEXTS.items():
    bovine.jsonld.jsonld_cache.cache[_url] = _context


# --- Reporting ---------------------------------------------------------------------------------
class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.finished = False

    def check(self, name, ok, detail=""):
        ok = bool(ok)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        if not isinstance(detail, str):
            detail = json.dumps(detail, default=str, sort_keys=True)
        print(json.dumps({"check": name, "ok": ok, "detail": detail[:800]}), flush=True)
        return ok

    def summary(self):
        if self.finished:
            return
        self.finished = True
        ok = self.failed == 0 and self.passed > 0
        print(json.dumps({"check": "summary", "ok": ok, "passed": self.passed, "failed": self.failed}), flush=True)


def describe(error):
    return f"{type(error).__name__}: {error}"


async def read_json(response):
    async with response:
        text = await response.text()
        content_type = response.headers.get("content-type", "")
        status = response.status
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    return status, content_type, data, text


class Peer:
    def __init__(self, args, report, session):
        self.args = args
        self.report = report
        self.session = session
        self.node = args.node.rstrip("/")
        self.node_host = urlsplit(self.node).netloc
        self.port = args.listen_port
        self.base = f"http://127.0.0.1:{self.port}"
        self.actor_id = f"{self.base}/actor"
        self.key_id = f"{self.actor_id}#main-key"
        self.acct = f"acct:bovinepeer@127.0.0.1:{self.port}"
        self.follow_id = f"{self.base}/activities/follow-1"
        self.join_id = f"{self.base}/activities/join-1"
        self.join_future = None
        public_pem, private_pem = generate_rsa_public_private_key()
        # bovine's signing client; every GET and POST this peer makes to the node goes through it.
        self.client = SignedHttpClient(session, self.key_id, private_pem)
        self.actor_document = ActorBuilder(
            id=self.actor_id,
            type="Person",
            preferred_username="bovinepeer",
            name="bovine interop peer",
            inbox=f"{self.base}/inbox",
            outbox=f"{self.base}/outbox",
            public_key=public_pem,
            public_key_name="main-key",
        ).build()
        self.follow = None
        self.accept_future = None
        self.key_cache = {}
        self.validate_signature = build_validate_http_signature_raw(self.retrieve_key)

    # --- fetching and parsing with bovine ----------------------------------------------------
    async def fetch_actor(self, url, validate=True):
        """Signed GET (bovine's SignedHttpClient), parsed with bovine.parse.Actor.
        Returns (actor, status, content_type)."""
        status, content_type, data, text = await read_json(await self.client.get(url))
        if status != 200 or not isinstance(data, dict):
            raise ValueError(f"GET {url} -> {status} {content_type}: {text[:200]}")
        return Actor(data, domain=urlsplit(url).netloc, validate=validate), status, content_type

    async def retrieve_key(self, key_id):
        """bovine's key_retriever contract: keyId -> CryptographicIdentifier (or None)."""
        if key_id in self.key_cache:
            return self.key_cache[key_id]
        document_url, _ = urldefrag(key_id)
        document, _, _ = await self.fetch_actor(document_url, validate=False)
        result = None
        if document.id == key_id:  # a bare key document ({"id", "owner", "publicKeyPem"})
            result = CryptographicIdentifier.from_public_key(document.data)
        else:  # an actor: its publicKey / FEP-521a keys, which it must control
            for identifier in document.cryptographic_identifiers:
                if identifier.id == key_id and identifier.controller == document.id:
                    result = identifier
        self.key_cache[key_id] = result
        return result

    # --- phase 1: documents --------------------------------------------------------------------
    async def check_documents(self):
        report, node, host = self.report, self.node, self.node_host

        # WebFinger of the handle, with bovine's client (explicit http:// domain, see top).
        actor_url = None
        try:
            actor_url, _ = await lookup_uri_with_webfinger(self.session, self.args.handle, domain=node)
            report.check("webfinger.organization", actor_url is not None, f"{self.args.handle} -> {actor_url}")
        except Exception as error:
            report.check("webfinger.organization", False, describe(error))
        actor = None
        if actor_url:
            actor = await self.check_actor(actor_url)

        # The instance actor: acct:HOST@HOST must be an Application.
        instance_url = None
        try:
            instance_url, _ = await lookup_uri_with_webfinger(self.session, f"acct:{host}@{host}", domain=node)
            report.check("instance.webfinger", instance_url is not None, f"acct:{host}@{host} -> {instance_url}")
        except Exception as error:
            report.check("instance.webfinger", False, describe(error))
        if instance_url:
            try:
                instance, _, _ = await self.fetch_actor(instance_url)
                report.check("instance.application", instance.data.get("type") == "Application",
                             {"id": instance.id, "type": instance.data.get("type")})
            except Exception as error:
                report.check("instance.application", False, describe(error))
            # FEP-d556: WebFinger for https://HOST/ (here http://) finds the instance actor too.
            try:
                by_url, _ = await lookup_uri_with_webfinger(self.session, f"{node}/", domain=node)
                report.check("instance.fep-d556", by_url == instance_url, f"{node}/ -> {by_url}")
            except Exception as error:
                report.check("instance.fep-d556", False, describe(error))

        await self.check_nodeinfo(instance_url)
        return actor

    async def check_actor(self, actor_url):
        report = self.report
        try:
            actor, status, content_type = await self.fetch_actor(actor_url)
        except Exception as error:
            report.check("actor.fetch", False, describe(error))
            return None
        media_type = content_type.split(";")[0].strip().lower()
        report.check("actor.fetch", media_type in (AP_JSON, "application/ld+json"),
                     f"signed GET {actor_url} -> {status} {content_type}")
        # Actor(...) already required inbox and outbox to be single strings and the id's host to
        # match; the rest is read from bovine's compacted view of the document.
        data = actor.data
        report.check("actor.id", actor.id == actor_url, {"id": actor.id, "type": data.get("type")})
        collections = {name: data.get(name) for name in ("inbox", "outbox", "followers")}
        report.check("actor.collections", all(isinstance(v, str) and v.startswith("http") for v in collections.values()),
                     collections)
        endpoints = data.get("endpoints")
        shared = endpoints.get("sharedInbox") if isinstance(endpoints, dict) else None
        report.check("actor.sharedInbox", isinstance(shared, str) and shared.startswith(self.node), shared)

        key = data.get("publicKey")
        key_id = key.get("id") if isinstance(key, dict) else key
        try:
            pem = actor.publicKeyPem(key_id)  # raises unless publicKey.id == key_id and owner == actor id
            identifier = CryptographicIdentifier.from_pem(pem, actor.id)
            is_rsa = isinstance(identifier.public_key, rsa.RSAPublicKey)
            report.check("actor.publicKey", is_rsa and key.get("owner") == actor.id,
                         {"id": key_id, "owner": key.get("owner"), "rsa": is_rsa})
        except Exception as error:
            report.check("actor.publicKey", False, f"{describe(error)}; publicKey as bovine read it: {key}")
        try:
            identifiers = actor.cryptographic_identifiers
            ids = [i.id for i in identifiers]
            report.check("actor.keys",
                         key_id in ids and all(i.controller == actor.id for i in identifiers),
                         [{"id": i.id, "controller": i.controller, "relationships": sorted(i.verification_relationships)}
                          for i in identifiers])
        except Exception as error:
            report.check("actor.keys", False, describe(error))
        try:
            round_trip = await actor.validate_acct_uri(self.session)
            report.check("actor.webfingerRoundTrip", round_trip, actor.unvalidated_acct_uri)
        except Exception as error:
            report.check("actor.webfingerRoundTrip", False, describe(error))
        return actor

    async def check_nodeinfo(self, instance_url):
        report, node = self.report, self.node
        # bovine.clients.fetch_nodeinfo_document hard-codes https://, so the well-known document is
        # fetched here (with bovine's user agent) and read with bovine's JRD model.
        try:
            response = await self.session.get(f"{node}/.well-known/nodeinfo", headers={"user-agent": BOVINE_CLIENT_NAME})
            status, _, _, text = await read_json(response)
            jrd = JrdData.model_validate_json(text)
            links = {link.rel: link.href for link in (jrd.links or [])}
            report.check("nodeinfo.wellKnown", status == 200 and NODEINFO_REL + "2.1" in links, links)
        except Exception as error:
            report.check("nodeinfo.wellKnown", False, describe(error))
            return
        for version in ("2.1", "2.0"):
            href = links.get(NODEINFO_REL + version)
            if href is None:
                if version == "2.1":
                    report.check("nodeinfo.2.1", False, "no NodeInfo 2.1 link")
                continue  # 2.0 is checked when it is linked
            info = await fetch_nodeinfo20(self.session, href)  # bovine; works for any schema URL
            if not isinstance(info, dict):
                report.check(f"nodeinfo.{version}", False, f"{href}: not a JSON object: {info}")
                continue
            problems = []
            if info.get("version") != version:
                problems.append(f"version is {info.get('version')!r}")
            if (info.get("software") or {}).get("name") != SOFTWARE_NAME:
                problems.append(f"software.name is {(info.get('software') or {}).get('name')!r}")
            if "activitypub" not in (info.get("protocols") or []):
                problems.append(f"protocols is {info.get('protocols')!r}")
            # bovine's NodeInfo model is schema 2.0 (extra fields forbidden); 2.1 only adds
            # software.repository and software.homepage, so those are set aside for it.
            candidate = json.loads(json.dumps(info))
            if version == "2.1" and isinstance(candidate.get("software"), dict):
                candidate["software"].pop("repository", None)
                candidate["software"].pop("homepage", None)
            try:
                NodeInfo.model_validate(candidate)
            except Exception as error:
                problems.append(f"bovine NodeInfo model: {error}")
            report.check(f"nodeinfo.{version}", not problems, "; ".join(problems) if problems else info)
        # FEP-2677: NodeInfo links the instance actor.
        application = links.get(APPLICATION_REL)
        report.check("nodeinfo.fep-2677", application is not None and application == instance_url,
                     {"linked": application, "webfinger": instance_url})

    # --- phase 2: this peer's own server -----------------------------------------------------
    async def serve(self):
        app = web.Application()
        app.router.add_get("/actor", self.handle_actor)
        app.router.add_get("/.well-known/webfinger", self.handle_webfinger)
        app.router.add_post("/inbox", self.handle_inbox)
        app.router.add_get("/outbox", self.handle_empty_collection)
        app.router.add_get("/activities/follow-1", self.handle_follow)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner

    async def handle_actor(self, request):
        return web.json_response(self.actor_document, content_type=AP_JSON)

    async def handle_webfinger(self, request):
        if request.query.get("resource") not in (self.acct, self.actor_id):
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(webfinger_response_json(self.acct, self.actor_id), content_type="application/jrd+json")

    async def handle_empty_collection(self, request):
        return web.json_response({"@context": "https://www.w3.org/ns/activitystreams", "id": str(request.url),
                                  "type": "OrderedCollection", "totalItems": 0, "orderedItems": []},
                                 content_type=AP_JSON)

    async def handle_follow(self, request):
        if self.follow is None:
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(self.follow, content_type=AP_JSON)

    async def handle_inbox(self, request):
        body = await request.read()

        async def get_body():
            return body

        signature_info = {}
        try:
            parsed = Signature.from_signature_header(request.headers.get("signature", ""))
            signature_info = {"keyId": parsed.key_id, "algorithm": parsed.algorithm, "headers": parsed.headers}
        except Exception as error:
            signature_info = {"unparsed": request.headers.get("signature"), "error": describe(error)}
        # bovine's verifier: digest against the body, required covered fields, Date within 5
        # minutes, key fetched by keyId through retrieve_key, RSA-SHA256 verification.
        try:
            owner = await self.validate_signature(request.method, str(request.url), request.headers, get_body)
        except Exception as error:
            owner = None
            signature_info["error"] = describe(error)
        try:
            activity = json.loads(body)
        except ValueError:
            activity = None
        logging.warning("inbox: %s from %s, signature owner %s", (activity or {}).get("type"),
                        (activity or {}).get("actor"), owner)
        if isinstance(activity, dict) and activity.get("type") == "Accept" and self.accept_future \
                and not self.accept_future.done():
            embedded = activity.get("object")
            object_id = embedded.get("id") if isinstance(embedded, dict) else embedded
            if object_id == self.follow_id:
                parsed_follow, parse_error = None, None
                try:
                    async def retrieve(object_id):
                        if object_id == self.follow_id:
                            return self.follow
                        actor, _, _ = await self.fetch_actor(object_id)
                        return actor.data

                    parsed_follow = await Activity(activity).accept_for_follow(retrieve)
                except Exception as error:
                    parse_error = describe(error)
                self.accept_future.set_result({
                    "activity": activity, "owner": owner, "signature": signature_info,
                    "headers": {k: request.headers.get(k) for k in ("host", "date", "digest", "content-digest", "content-type")},
                    "follow": parsed_follow.data if parsed_follow is not None else None, "parse_error": parse_error,
                })
        if isinstance(activity, dict) and activity.get("type") in ("Accept", "Reject") and self.join_future \
                and not self.join_future.done():
            embedded = activity.get("object")
            object_id = embedded.get("id") if isinstance(embedded, dict) else embedded
            if object_id == self.join_id:
                self.join_future.set_result({"activity": activity, "owner": owner})
        if owner is None:
            return web.json_response({"error": "HTTP signature not verified by bovine"}, status=401)
        return web.Response(status=202)

    async def join_and_wait(self, node_actor, event_id, deadline):
        """Joins an event organised by the node's actor and waits for the answer."""
        report = self.report
        loop = asyncio.get_running_loop()
        self.join_future = loop.create_future()
        join = {"@context": "https://www.w3.org/ns/activitystreams", "id": self.join_id, "type": "Join",
                "actor": self.actor_id, "object": event_id}
        try:
            response = await self.client.post(node_actor.data["inbox"], json.dumps(join))
            async with response:
                text = await response.text()
            report.check("join.sent", response.status in (200, 201, 202), f"{response.status} {text[:200]}")
            if response.status not in (200, 201, 202):
                return
        except Exception as error:
            report.check("join.sent", False, describe(error))
            return
        try:
            result = await asyncio.wait_for(self.join_future, max(0.1, deadline - loop.time()))
        except asyncio.TimeoutError:
            report.check("join.accepted", False, f"no answer to {self.join_id} within --timeout {self.args.timeout} s")
            return
        activity = result["activity"]
        report.check("join.accepted", activity.get("type") == "Accept", {"type": activity.get("type"), "id": activity.get("id")})
        report.check("join.signatureVerifiedByBovine", result["owner"] == node_actor.id, {"owner": result["owner"]})

    async def follow_and_wait(self, node_actor, deadline):
        report = self.report
        loop = asyncio.get_running_loop()
        self.accept_future = loop.create_future()
        self.follow = ActivityFactory(self.actor_document).follow(node_actor.id, id=self.follow_id).build()
        inbox = node_actor.data["inbox"]
        try:
            response = await self.client.post(inbox, json.dumps(self.follow))
            async with response:
                text = await response.text()
            report.check("follow.sent", response.status in (200, 201, 202),
                         f"signed POST {inbox} -> {response.status} {text[:200]}")
            if response.status not in (200, 201, 202):
                return
        except Exception as error:
            report.check("follow.sent", False, describe(error))
            return
        try:
            result = await asyncio.wait_for(self.accept_future, max(0.1, deadline - loop.time()))
        except asyncio.TimeoutError:
            report.check("accept.received", False, f"no Accept of {self.follow_id} within --timeout {self.args.timeout} s")
            return
        activity = result["activity"]
        report.check("accept.received", True, {"id": activity.get("id"), "actor": activity.get("actor")})
        report.check("accept.signatureVerifiedByBovine",
                     result["owner"] is not None and result["owner"] == node_actor.id
                     and result["owner"] == activity.get("actor"),
                     {"owner": result["owner"], "expected": node_actor.id, "signature": result["signature"],
                      "headers": result["headers"]})
        follow = result["follow"]
        report.check("accept.parsedByBovine",
                     follow is not None and follow.get("id") == self.follow_id,
                     result["parse_error"] or {"follow": follow and follow.get("id")})


async def run(args, report):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.timeout
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        peer = Peer(args, report, session)
        runner = None
        # The peer serves its actor whenever it has a port, so the node can verify the signed
        # GETs below by their keyId; --check-only only skips the Follow.
        if args.listen_port:
            try:
                runner = await peer.serve()
                report.check("peer.listen", True, f"{peer.actor_id} ({peer.acct})")
            except Exception as error:
                report.check("peer.listen", False, describe(error))
                return
        try:
            remaining = max(0.1, deadline - loop.time())
            node_actor = await asyncio.wait_for(peer.check_documents(), remaining)
            if args.check_only:
                return
            if runner is None:
                report.check("follow.sent", False, "--listen-port is required unless --check-only")
                return
            if node_actor is None:
                report.check("follow.sent", False, "the node's actor could not be fetched and parsed")
                return
            await peer.follow_and_wait(node_actor, deadline)
            if args.join:
                await peer.join_and_wait(node_actor, args.join, deadline)
        except asyncio.TimeoutError:
            report.check("peer.timeout", False, f"checks did not finish within --timeout {args.timeout} s")
        finally:
            if runner is not None:
                await runner.cleanup()


def main():
    parser = argparse.ArgumentParser(description="bovine interop peer for CivicHub")
    parser.add_argument("--node", required=True, help="base URL of the node, e.g. http://127.0.0.1:8080")
    parser.add_argument("--handle", required=True, help="acct:NAME@HOST of an actor on the node")
    parser.add_argument("--listen-port", type=int, default=0, help="port for this peer's actor and inbox on 127.0.0.1")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole run (default 60)")
    parser.add_argument("--check-only", action="store_true", help="only validate the node's documents; send no Follow")
    parser.add_argument("--join", metavar="EVENT_URL", help="after the Follow, join this event organised by --handle")
    args = parser.parse_args()
    if not args.handle.startswith("acct:"):
        args.handle = "acct:" + args.handle.lstrip("@")

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="bovine-peer %(levelname)s %(name)s: %(message)s")
    report = Report()

    def watchdog(signum, frame):  # a synchronous call (e.g. pyld) stuck past the deadline
        report.check("peer.timeout", False, f"watchdog: still running {args.timeout} s + 15 s after start")
        report.summary()
        shutil.rmtree(WORKDIR, ignore_errors=True)
        os._exit(1)

    signal.signal(signal.SIGALRM, watchdog)
    signal.alarm(int(args.timeout) + 15)
    try:
        asyncio.run(run(args, report))
    except Exception as error:
        report.check("peer.error", False, describe(error))
    finally:
        signal.alarm(0)
    report.summary()
    return 0 if report.failed == 0 and report.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
