"""What fingerprint records were made from, through the API: each finger's image kept for
examiners (as PNG, or as received), and the record as an ANSI/NIST-ITL transaction: the one
it came in, byte for byte, or one written for it that reads back to the same fingers. A
transaction's Type-2 text is kept, and its Type-9 minutiae stand for a finger sent without an
image."""

from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path
from typing import Any

import nistitl
from fastapi.testclient import TestClient
from PIL import Image

from policenet.domain.fingerprints import FingerPosition
from policenet.domain.principals import Role
from policenet.formats import ansi_nist
from policenet.formats.iso19794 import decode
from policenet.matching.minutiae import extract
from policenet.store.db import Database
from tests.conftest import Actor, World
from tests.test_exchange import (
    environment,
    importing,
    records_held,
    run,
    scalar,
    succeeded,
)
from tests.test_fingerprints import (
    SUSPECT,
    encoded,
    fvc,
    needs_fvc,
    search,
    ten_print_transaction,
    tenprint,
)
from tests.test_records import enter, refused

pytestmark = needs_fvc


def get(client: TestClient, actor: Actor, path: str) -> bytes:
    answer = client.get(path, headers=actor.headers)
    assert answer.status_code == 200, answer.text
    return answer.content


def pixels(image: bytes) -> bytes:
    return Image.open(io.BytesIO(image)).convert("L").tobytes()


def test_the_images_are_kept_for_examiners_and_only_for_those_who_may_see_them(
    client: TestClient, world: World
) -> None:
    fr, de = world.principal(Role.NCB_OFFICER, "FR"), world.principal(Role.NCB_OFFICER, "DE")
    it = world.principal(Role.NCB_OFFICER, "IT")
    wsq = encoded(Image.open(io.BytesIO(fvc("102_1"))), "WSQ")
    body = tenprint({1: "101_1"}) | {"visibility": {"scope": "all_but_listed", "countries": ["IT"]}}
    body["fingers"].append({"position": 2, "image": base64.b64encode(wsq).decode("ascii")})
    record = enter(client, fr, "fingerprints", body)
    path = f"/v1/fingerprints/{record['id']}/fingers"
    answer = client.get(f"{path}/0/image", headers=de.headers)
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    shown = Image.open(io.BytesIO(answer.content))
    original = Image.open(io.BytesIO(fvc("101_1")))
    assert shown.size == original.size and shown.tobytes() == original.convert("L").tobytes()
    assert get(client, de, f"{path}/0/image?original=true") == fvc("101_1")
    as_received = client.get(f"{path}/1/image?original=true", headers=de.headers)
    assert as_received.content == wsq and as_received.headers["content-type"] == "image/x-wsq"
    assert Image.open(io.BytesIO(get(client, de, f"{path}/1/image"))).format == "PNG"
    refused(client.get(f"{path}/2/image", headers=de.headers), 404, "finger_not_found")
    # Italy may not see the record: the same answer as for a record that does not exist.
    refused(client.get(f"{path}/0/image", headers=it.headers), 404, "record_not_found")
    refused(
        client.get(f"/v1/fingerprints/{record['id']}/transaction", headers=it.headers),
        404,
        "record_not_found",
    )
    # hit_only: the content, images included, is read through the owner.
    client.patch(
        f"/v1/fingerprints/{record['id']}", json={"disclosure": "hit_only"}, headers=fr.headers
    )
    refused(client.get(f"{path}/0/image", headers=de.headers), 404, "record_not_found")
    assert get(client, fr, f"{path}/0/image?original=true") == fvc("101_1")
    # Changing the fingers: a finger sent again as it is stored (its template: images are
    # never sent back out) keeps its image, at its new place; a new template has none.
    kept, dropped = (f["template"] for f in record["data"]["fingers"])
    other = enter(client, fr, "fingerprints", tenprint({3: "107_1"}))["data"]["fingers"][0]
    changed = client.patch(
        f"/v1/fingerprints/{record['id']}",
        json={
            "fingers": [
                {"position": 3, "template": other["template"]},
                {"position": 1, "template": kept},
            ]
        },
        headers=fr.headers,
    )
    assert changed.status_code == 200, changed.text
    refused(client.get(f"{path}/0/image", headers=fr.headers), 404, "finger_image_missing")
    assert get(client, fr, f"{path}/1/image?original=true") == fvc("101_1")
    refused(client.get(f"{path}/2/image", headers=fr.headers), 404, "finger_not_found")
    assert dropped not in [f["template"] for f in changed.json()["data"]["fingers"]]


def test_a_transaction_comes_back_byte_for_byte(client: TestClient, world: World) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    sent = ten_print_transaction()
    card = enter(
        client,
        de,
        "fingerprints",
        {"kind": "tenprint", "transaction": base64.b64encode(sent).decode("ascii")},
    )
    answer = client.get(f"/v1/fingerprints/{card['id']}/transaction", headers=de.headers)
    assert answer.status_code == 200 and answer.content == sent
    assert answer.headers["content-disposition"] == f'attachment; filename="{card["id"]}.an2"'
    # The images inside it are kept one by one too, the raw one as PNG.
    raw = get(client, de, f"/v1/fingerprints/{card['id']}/fingers/1/image?original=true")
    assert Image.open(io.BytesIO(raw)).format == "PNG"
    # A change of what the transaction says (its descriptive text, in any script): it is no
    # longer given back as it came, but written from the record, in ASCII.
    renamed = client.patch(
        f"/v1/fingerprints/{card['id']}",
        json={"descriptive": {"2.018": "ПЕТРОВ, ИВАН"}, "case_ref": "Köln 7"},
        headers=de.headers,
    )
    assert renamed.status_code == 200, renamed.text
    written = get(client, de, f"/v1/fingerprints/{card['id']}/transaction")
    assert written != sent
    described = ansi_nist.descriptive_text(ansi_nist.read(written))
    assert described["2.018"] == "PETROV, IVAN" and described["2.004"] == "Koln 7"
    assert len(ansi_nist.finger_images(written)) == 3
    # Both new fingers and a new transaction: which is meant is not guessed.
    both = client.patch(
        f"/v1/fingerprints/{card['id']}",
        json={"transaction": base64.b64encode(sent).decode("ascii"), "fingers": []},
        headers=de.headers,
    )
    refused(both, 422, "invalid_input")
    for bad in ({"2.002": "7"}, {"2.018": "A\x1dB"}):
        answer = client.patch(
            f"/v1/fingerprints/{card['id']}", json={"descriptive": bad}, headers=de.headers
        )
        refused(answer, 422, "invalid_input")


def test_a_record_sent_as_images_is_written_as_a_transaction_that_reads_back_the_same(
    client: TestClient, world: World
) -> None:
    fr, de = world.principal(Role.NCB_OFFICER, "FR"), world.principal(Role.NCB_OFFICER, "DE")
    record = enter(client, fr, "fingerprints", tenprint(SUSPECT, external_ref="FR-AFIS-9"))
    written = get(client, de, f"/v1/fingerprints/{record['id']}/transaction")
    transaction = ansi_nist.read(written)
    assert [r.type for r in transaction.records] == [1, 2] + [14, 9] * 4
    assert ansi_nist.write(transaction) == written
    # The owner's own reference is its own: written for it (2.003), not for another bureau.
    assert "2.003" not in ansi_nist.descriptive_text(transaction)
    own = ansi_nist.read(get(client, fr, f"/v1/fingerprints/{record['id']}/transaction"))
    assert ansi_nist.descriptive_text(own)["2.003"] == "FR-AFIS-9"
    header = transaction.records[0]
    assert isinstance(header, ansi_nist.TaggedRecord)
    assert header.text(8) == record["owner_bureau_id"] and header.text(4) == "CAR"
    images = ansi_nist.finger_images(written)
    # TIFF goes as PNG (14.011 names no TIFF): the same pixels.
    assert [(f.position, pixels(f.image)) for f in images] == [
        (p, pixels(fvc(n))) for p, n in SUSPECT.items()
    ]
    stored = [decode(base64.b64decode(f["template"])) for f in record["data"]["fingers"]]
    for (_, position, template), mine in zip(
        ansi_nist.type9_templates(transaction), stored, strict=True
    ):
        assert position is mine.views[0].position
        assert [(m.x, m.y, m.kind) for m in template.views[0].minutiae] == [
            (m.x, m.y, m.kind) for m in mine.views[0].minutiae
        ]
    # Sent on to another hub as it came out, it reads as the same fingers, and comes back out
    # as it went in.
    again = enter(
        client,
        de,
        "fingerprints",
        {"kind": "tenprint", "transaction": base64.b64encode(written).decode("ascii")},
    )
    assert [f["template"] for f in again["data"]["fingers"]] == [
        f["template"] for f in record["data"]["fingers"]
    ]
    assert get(client, de, f"/v1/fingerprints/{again['id']}/transaction") == written


def marked_transaction(name: str, position: int) -> bytes:
    """A mark an examiner marked by hand elsewhere: a Type-2 record and the minutiae in a
    Type-9 record, no image."""
    template = extract(fvc(name))
    transaction = ansi_nist.new_transaction(
        tot="LFS",
        dai="IT-LAB",
        ori="IT-POLIZIA",
        tcn="IT-2026-77",
        when=date(2026, 11, 24),
        descriptive={18: "CASE ROMA 77", 20: "Scene: door handle"},
    )
    record = ansi_nist.minutiae_record(
        1, FingerPosition(position), template.views[0].impression, template
    )
    return ansi_nist.write(transaction.with_records(record))


def test_a_mark_sent_as_type9_minutiae_is_searched_on_them(
    client: TestClient, world: World
) -> None:
    fr, it = world.principal(Role.NCB_OFFICER, "FR"), world.principal(Role.NCB_OFFICER, "IT")
    suspect = enter(client, fr, "fingerprints", tenprint(SUSPECT))
    sent = marked_transaction("103_5", 0)
    body: dict[str, Any] = {
        "kind": "latent",
        "case_ref": "ROMA-77",
        "transaction": base64.b64encode(sent).decode("ascii"),
    }
    latent = enter(client, it, "fingerprints", body)
    assert latent["data"]["descriptive"] == {"2.018": "CASE ROMA 77", "2.020": "Scene: door handle"}
    (finger,) = latent["data"]["fingers"]
    assert finger["impression"] == "latent" or finger["impression"] == "plain"
    assert len(decode(base64.b64decode(finger["template"])).views) == 1
    refused(
        client.get(f"/v1/fingerprints/{latent['id']}/fingers/0/image", headers=it.headers),
        404,
        "finger_image_missing",
    )
    found = search(client, it, {"record_id": latent["id"]})
    assert found["candidates"][0]["record"]["id"] == suspect["id"]
    assert found["candidates"][0]["fingers"][0]["candidate"] == 3


def test_a_transaction_without_any_finger_is_refused(client: TestClient, world: World) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    message = nistitl.Message()
    message[0].TCN = "EMPTY-1"
    described = nistitl.AsciiRecord(2)
    described.IDC = 0
    message += described
    body = {"kind": "tenprint", "transaction": base64.b64encode(message.NIST).decode("ascii")}
    answer = client.post("/v1/fingerprints", json=body, headers=de.headers)
    refused(answer, 422, "nist_no_fingers")
    assert "Type-9" in answer.json()["error"]["message"]


def test_a_card_file_imports_as_one_record_and_again_as_the_same(
    client: TestClient, world: World, database: Database, tmp_path: Path
) -> None:
    env = environment(database, tmp_path)
    de = world.principal(Role.NCB_OFFICER, "DE")
    card = tmp_path / "card.an2"
    card.write_bytes(ten_print_transaction("DE-BKA-2026-77"))
    for _ in range(2):
        out = succeeded(run(importing("fingerprints", card, de), env))
        assert "Imported 1 fingerprints records from card.an2" in out
    assert records_held(database, "fingerprints") == 1
    record_id = scalar(database, "SELECT id FROM records WHERE external_ref = 'DE-BKA-2026-77'")
    stored = client.get(f"/v1/fingerprints/{record_id}", headers=de.headers).json()
    assert stored["data"]["kind"] == "tenprint" and len(stored["data"]["fingers"]) == 3
    assert get(client, de, f"/v1/fingerprints/{record_id}/transaction") == card.read_bytes()
    # Without its control number, the file has no reference to be imported again by.
    message = nistitl.Message()
    message += nistitl.AsciiRecord(2)
    del message[0][9]  # 1.009, which nistitl fills by itself
    nameless = tmp_path / "nameless.an2"
    nameless.write_bytes(message.NIST)
    done = run(importing("fingerprints", nameless, de), env)
    assert done.returncode == 1 and "1.009" in done.stdout
