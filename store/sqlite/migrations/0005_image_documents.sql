-- An image's document becomes what every other kind's is: the API's own
-- shape (WorkspaceImage) with wslocal-prefixed fields for what that shape
-- lacks. The old form is the one with "osName", which it always had.
-- json_patch onto {} drops the members that are null (absent, or the empty
-- strings the old form kept for an image with no error).
UPDATE resources SET doc = CAST(json_patch('{}', json_object(
        'ImageId', id,
        'Name', json_extract(CAST(doc AS TEXT), '$.name'),
        'Description', json_extract(CAST(doc AS TEXT), '$.description'),
        'OperatingSystem', json_object('Type',
            CASE WHEN json_extract(CAST(doc AS TEXT), '$.osName') LIKE 'WINDOWS%' THEN 'WINDOWS' ELSE 'LINUX' END),
        'RequiredTenancy', nullif(json_extract(CAST(doc AS TEXT), '$.requiredTenancy'), ''),
        'ErrorCode', nullif(json_extract(CAST(doc AS TEXT), '$.errorCode'), ''),
        'ErrorMessage', CASE WHEN nullif(json_extract(CAST(doc AS TEXT), '$.errorCode'), '') IS NOT NULL
            THEN coalesce(json_extract(CAST(doc AS TEXT), '$.errorMessage'), '') END,
        'OwnerAccountId', json_extract(CAST(doc AS TEXT), '$.ownerAccount'),
        'wslocalOperatingSystemName', nullif(json_extract(CAST(doc AS TEXT), '$.osName'), ''),
        'wslocalEc2ImageId', nullif(json_extract(CAST(doc AS TEXT), '$.ec2ImageId'), ''),
        'wslocalIngestionProcess', nullif(json_extract(CAST(doc AS TEXT), '$.ingestionProcess'), ''),
        'wslocalApplications', json_extract(CAST(doc AS TEXT), '$.applications'),
        'wslocalOrigin', nullif(json_extract(CAST(doc AS TEXT), '$.origin'), ''),
        'wslocalSourceImageId', nullif(json_extract(CAST(doc AS TEXT), '$.sourceImageId'), ''),
        'wslocalCustomImport', json_extract(CAST(doc AS TEXT), '$.customImport')
    )) AS BLOB)
    WHERE kind = 'image' AND json_valid(CAST(doc AS TEXT))
        AND json_type(CAST(doc AS TEXT), '$.osName') IS NOT NULL;
