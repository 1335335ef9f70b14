# Enhanced VPC routing sends COPY's S3 traffic through the workgroup's VPC, which must have a route to S3
# (https://docs.aws.amazon.com/redshift/latest/mgmt/enhanced-vpc-routing.html): an S3 gateway endpoint on the
# route tables of the workgroup's subnets (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
# The VPC is given, not created here, and often has that endpoint already: a route table takes one route per
# gateway endpoint service, so creating a second one fails. Hence exactly one of the two inputs:
# s3_gateway_endpoint_id (an existing endpoint, checked below) or create_s3_gateway_endpoint with route_table_ids.
data "aws_subnet" "workgroup" {
  id = var.subnet_ids[0]
}

data "aws_vpc_endpoint_service" "s3" {
  service      = "s3"
  service_type = "Gateway"
}

# The default (full-access) endpoint policy: the route tables may serve other workloads of the VPC, and the
# COPY role's own policy already limits what COPY reads.
resource "aws_vpc_endpoint" "s3" {
  count             = var.create_s3_gateway_endpoint ? 1 : 0
  vpc_id            = data.aws_subnet.workgroup.vpc_id
  service_name      = data.aws_vpc_endpoint_service.s3.service_name
  vpc_endpoint_type = "Gateway"
  route_table_ids   = var.route_table_ids
  tags              = merge(var.tags, { Name = "${var.workgroup_name}-s3" })
}

data "aws_vpc_endpoint" "s3" {
  count = var.s3_gateway_endpoint_id == null ? 0 : 1
  id    = var.s3_gateway_endpoint_id
  lifecycle {
    postcondition {
      condition     = self.vpc_endpoint_type == "Gateway" && self.service_name == data.aws_vpc_endpoint_service.s3.service_name
      error_message = "s3_gateway_endpoint_id must be an S3 gateway endpoint of the workgroup's region."
    }
    postcondition {
      condition     = self.vpc_id == data.aws_subnet.workgroup.vpc_id && self.state == "available"
      error_message = "s3_gateway_endpoint_id must be available and in the workgroup's VPC."
    }
    postcondition {
      condition     = alltrue([for id in var.route_table_ids : contains(self.route_table_ids, id)])
      error_message = "s3_gateway_endpoint_id is not on every route table in route_table_ids."
    }
  }
}
