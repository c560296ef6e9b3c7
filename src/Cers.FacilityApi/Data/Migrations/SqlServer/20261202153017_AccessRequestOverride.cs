using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cers.FacilityApi.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AccessRequestOverride : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "DecidedAsOverride",
                table: "AccessRequests",
                type: "bit",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DecidedAsOverride",
                table: "AccessRequests");
        }
    }
}
