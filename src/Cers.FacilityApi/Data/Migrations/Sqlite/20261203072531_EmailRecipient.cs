using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cers.FacilityApi.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EmailRecipient : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RecipientId",
                table: "EmailOutbox",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_EmailOutbox_RecipientId_CreatedAt",
                table: "EmailOutbox",
                columns: new[] { "RecipientId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_EmailOutbox_RecipientId_CreatedAt",
                table: "EmailOutbox");

            migrationBuilder.DropColumn(
                name: "RecipientId",
                table: "EmailOutbox");
        }
    }
}
