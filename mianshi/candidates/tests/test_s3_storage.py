"""Résumés on S3-compatible storage (MIANSHI_STORAGE=s3): a real S3 protocol server on loopback.

moto's server stands in for MinIO/Ceph: it speaks S3 over HTTP on 127.0.0.1, so boto3 and
django-storages run unchanged. The object in the bucket must be ciphertext.
"""

from io import BytesIO
from typing import Any

import pytest

from mianshi.candidates.services import candidate_create
from mianshi.candidates.services.resumes import candidate_resume_download, candidate_resume_upload
from mianshi.common.tests.s3 import BUCKET

pytestmark = pytest.mark.django_db
RESUME = "%PDF-1.4\n张三 身份证 110101199003070011 简历\n%%EOF\n".encode()


def test_resume_is_stored_encrypted_in_the_bucket_and_reads_back(bucket: Any, org: Any) -> None:
    candidate = candidate_create(actor=None, org_unit=org.sh, name="张三", phone="13800138000")
    candidate_resume_upload(
        actor=None, candidate=candidate, upload=BytesIO(RESUME), filename="简历.pdf"
    )
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [candidate.resume_path]
    stored = bucket.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read()
    assert b"%PDF" not in stored and b"110101199003070011" not in stored
    data, name, content_type = candidate_resume_download(actor=None, candidate=candidate)
    assert data == RESUME
    assert (name, content_type) == ("简历.pdf", "application/pdf")
