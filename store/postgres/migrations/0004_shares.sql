-- One table for whatever an account shares with another of the same
-- region, by kind: images (UpdateWorkspaceImagePermission) and connection
-- aliases (UpdateConnectionAliasPermission).
CREATE TABLE shares (
    account TEXT NOT NULL, -- the owner's
    region  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    id      TEXT NOT NULL,
    grantee TEXT NOT NULL, -- the account it is shared with
    PRIMARY KEY (account, region, kind, id, grantee)
);
CREATE INDEX shares_grantee ON shares (grantee, region, kind);

INSERT INTO shares (account, region, kind, id, grantee)
    SELECT account, region, 'image', image_id, shared_account FROM image_shares;
DROP TABLE image_shares;

-- An alias was shared by a row in the grantee's partition naming its owner.
INSERT INTO shares (account, region, kind, id, grantee)
    SELECT convert_from(doc, 'UTF8')::json->>'Owner', region, 'connection-alias', id, account
    FROM resources WHERE kind = 'connection-alias-share';
DELETE FROM resources WHERE kind = 'connection-alias-share';
-- The owner's alias listed them too: its shares say it now.
UPDATE resources SET doc = convert_to((convert_from(doc, 'UTF8')::jsonb - 'SharedWith')::text, 'UTF8')
    WHERE kind = 'connection-alias' AND convert_from(doc, 'UTF8')::jsonb ? 'SharedWith';

-- Connection strings were reserved in a made-up partition; they belong to
-- the global scope.
UPDATE resources SET account = 'global'
    WHERE account = '000000000000' AND region = 'global' AND kind = 'connection-string';
