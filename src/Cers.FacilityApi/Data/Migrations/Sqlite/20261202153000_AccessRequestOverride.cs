using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cers.FacilityApi.Data.Migrations.Sqlite
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
                type: "INTEGER",
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
