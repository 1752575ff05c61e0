# A mixed stack in Terraform: WorkSpaces in wslocal, the VPC and the
# Directory Service directory in another emulator (moto's server in the
# test). Run by conformance/mixedstack (TestTerraformMixedStack):
#
#   terraform apply -var moto=http://127.0.0.1:5000 -var wslocal=http://127.0.0.1:4599

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "moto" { type = string }
variable "wslocal" { type = string }

provider "aws" {
  region     = "us-east-1"
  access_key = "123456789012" # wslocal takes a 12-digit access key as the account id
  secret_key = "x"

  # No real AWS behind the endpoints: do not call STS or the instance
  # metadata service to check the credentials or find the account.
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  endpoints {
    workspaces = var.wslocal
    ds         = var.moto
    ec2        = var.moto
    iam        = var.moto
    sts        = var.moto
  }
}

data "aws_availability_zones" "az" {}

resource "aws_vpc" "v" { cidr_block = "10.1.0.0/16" }

resource "aws_subnet" "s" {
  count             = 2
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.1.${count.index}.0/24"
  availability_zone = data.aws_availability_zones.az.names[count.index]
}

resource "aws_directory_service_directory" "d" {
  name     = "corp.example.com"
  password = "Passw0rd!"
  size     = "Small"
  vpc_settings {
    vpc_id     = aws_vpc.v.id
    subnet_ids = aws_subnet.s[*].id
  }
}

resource "aws_workspaces_ip_group" "g" {
  name = "office"
  rules { source = "10.0.0.0/16" }
}

resource "aws_workspaces_directory" "w" {
  directory_id = aws_directory_service_directory.d.id
  subnet_ids   = aws_subnet.s[*].id
  ip_group_ids = [aws_workspaces_ip_group.g.id]
}

output "directory" { value = aws_workspaces_directory.w.id }
output "subnets" { value = join(",", aws_subnet.s[*].id) }
output "ip_group" { value = aws_workspaces_ip_group.g.id }
