#!/usr/bin/env python3
"""Seed moto's server with WorkSpace images, for comparing DescribeWorkspaceImages.

moto has no ImportWorkspaceImage: an image is made from a WorkSpace, which needs a
registered directory, which needs a Directory Service directory in a VPC.

    python3 -m moto.server -p 5000 &
    python3 cmd/wslocal-bench/seed_moto.py http://127.0.0.1:5000 5
"""
import sys

import boto3

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 5
kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="000000000000",
          aws_secret_access_key="wslocal-bench")
ec2, ds, ws = boto3.client("ec2", **kw), boto3.client("ds", **kw), boto3.client("workspaces", **kw)

vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
           for i, az in enumerate("ab")]
directory = ds.create_directory(Name="bench.example.com", Password="Passw0rd!Passw0rd", Size="Small",
                                VpcSettings={"VpcId": vpc, "SubnetIds": subnets})["DirectoryId"]
ws.register_workspace_directory(DirectoryId=directory)
created = ws.create_workspaces(Workspaces=[{"DirectoryId": directory, "UserName": "bench", "BundleId": "wsb-b0s22j3d7"}])
workspace = created["PendingRequests"][0]["WorkspaceId"]
for i in range(count):
    ws.create_workspace_image(Name=f"seed-{i}", Description="wslocal-bench", WorkspaceId=workspace)
print(f"moto at {url}: {len(ws.describe_workspace_images()['Images'])} images")
