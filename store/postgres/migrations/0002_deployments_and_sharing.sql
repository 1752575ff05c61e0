-- The state an association was in when it failed, so a forced deployment
-- retries from that step.
ALTER TABLE associations ADD COLUMN failed_step TEXT NOT NULL DEFAULT '';

-- Images shared with other accounts (UpdateWorkspaceImagePermission).
CREATE TABLE image_shares (
    account        TEXT NOT NULL,
    region         TEXT NOT NULL,
    image_id       TEXT NOT NULL,
    shared_account TEXT NOT NULL,
    PRIMARY KEY (account, region, image_id, shared_account)
);
CREATE INDEX image_shares_with ON image_shares (shared_account, region);
