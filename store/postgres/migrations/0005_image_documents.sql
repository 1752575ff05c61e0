-- An image's document becomes what every other kind's is: the API's own
-- shape (WorkspaceImage) with wslocal-prefixed fields for what that shape
-- lacks. The old form is the one with "osName", which it always had.
-- jsonb_strip_nulls drops the members that are null (absent, or the empty
-- strings the old form kept for an image with no error).
UPDATE resources AS r SET doc = convert_to(jsonb_strip_nulls(jsonb_build_object(
        'ImageId', r.id,
        'Name', o.d->'name',
        'Description', o.d->'description',
        'OperatingSystem', jsonb_build_object('Type',
            CASE WHEN o.d->>'osName' LIKE 'WINDOWS%' THEN 'WINDOWS' ELSE 'LINUX' END),
        'RequiredTenancy', nullif(o.d->>'requiredTenancy', ''),
        'ErrorCode', nullif(o.d->>'errorCode', ''),
        'ErrorMessage', CASE WHEN nullif(o.d->>'errorCode', '') IS NOT NULL THEN coalesce(o.d->>'errorMessage', '') END,
        'OwnerAccountId', o.d->'ownerAccount',
        'wslocalOperatingSystemName', nullif(o.d->>'osName', ''),
        'wslocalEc2ImageId', nullif(o.d->>'ec2ImageId', ''),
        'wslocalIngestionProcess', nullif(o.d->>'ingestionProcess', ''),
        'wslocalApplications', o.d->'applications',
        'wslocalOrigin', nullif(o.d->>'origin', ''),
        'wslocalSourceImageId', nullif(o.d->>'sourceImageId', ''),
        'wslocalCustomImport', o.d->'customImport'
    ))::text, 'UTF8')
    FROM (SELECT account, region, kind, id, convert_from(doc, 'UTF8')::jsonb AS d
          FROM resources WHERE kind = 'image') AS o
    WHERE r.account = o.account AND r.region = o.region AND r.kind = o.kind AND r.id = o.id
        AND jsonb_typeof(o.d) = 'object' AND o.d->'osName' IS NOT NULL;
