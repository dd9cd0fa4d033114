data "aws_caller_identity" "current" {}

data "aws_caller_identity" "shared" {
  provider = aws.shared
}

output "identities" {
  value = [data.aws_caller_identity.current.arn, data.aws_caller_identity.shared.arn]
}
