using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cers.Idp.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class UniqueEmailAndOutboxCaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "EmailIndex",
                table: "AspNetUsers");

            migrationBuilder.CreateIndex(
                name: "IX_EmailOutbox_ToAddress_Kind_CreatedAt",
                table: "EmailOutbox",
                columns: new[] { "ToAddress", "Kind", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail",
                unique: true,
                filter: "[NormalizedEmail] IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_EmailOutbox_ToAddress_Kind_CreatedAt",
                table: "EmailOutbox");

            migrationBuilder.DropIndex(
                name: "EmailIndex",
                table: "AspNetUsers");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");
        }
    }
}
