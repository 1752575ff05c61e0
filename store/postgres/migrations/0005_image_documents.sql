-- An image's document becomes what every other kind's is: the API's own
-- shape (WorkspaceImage) with wslocal-prefixed fields for what that shape
-- lacks. The old form is the one with "osName", which it always had.
-- jsonb_strip_nulls drops the members that are null (absent, or the empty
-- strings the old form kept for an image with no error). A row jsonb cannot
-- parse (text with U+0000, which a document may hold and jsonb refuses) is
-- left as it is, for wslocal to read in the old form (images.go), rather
-- than stopping the store from opening.
DO $$
DECLARE
    r RECORD;
    d jsonb;
BEGIN
    FOR r IN SELECT account, region, kind, id, doc FROM resources WHERE kind = 'image' LOOP
        BEGIN
            d := convert_from(r.doc, 'UTF8')::jsonb;
            IF jsonb_typeof(d) = 'object' AND d ? 'osName' THEN
                UPDATE resources SET doc = convert_to(jsonb_strip_nulls(jsonb_build_object(
                        'ImageId', r.id,
                        'Name', d->'name',
                        'Description', d->'description',
                        'OperatingSystem', jsonb_build_object('Type',
                            CASE WHEN d->>'osName' LIKE 'WINDOWS%' THEN 'WINDOWS' ELSE 'LINUX' END),
                        'RequiredTenancy', nullif(d->>'requiredTenancy', ''),
                        'ErrorCode', nullif(d->>'errorCode', ''),
                        'ErrorMessage', CASE WHEN nullif(d->>'errorCode', '') IS NOT NULL THEN coalesce(d->>'errorMessage', '') END,
                        'OwnerAccountId', d->'ownerAccount',
                        'wslocalOperatingSystemName', nullif(d->>'osName', ''),
                        'wslocalEc2ImageId', nullif(d->>'ec2ImageId', ''),
                        'wslocalIngestionProcess', nullif(d->>'ingestionProcess', ''),
                        'wslocalApplications', d->'applications',
                        'wslocalOrigin', nullif(d->>'origin', ''),
                        'wslocalSourceImageId', nullif(d->>'sourceImageId', ''),
                        'wslocalCustomImport', d->'customImport'
                    ))::text, 'UTF8')
                    WHERE account = r.account AND region = r.region AND kind = r.kind AND id = r.id;
            END IF;
        EXCEPTION WHEN others THEN
            NULL;
        END;
    END LOOP;
END
$$;
