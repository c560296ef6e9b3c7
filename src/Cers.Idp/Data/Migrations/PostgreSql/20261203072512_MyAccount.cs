using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cers.Idp.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class MyAccount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RecipientId",
                table: "EmailOutbox",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "EmailChangeRequestedAt",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EmailChangeTokenHash",
                table: "AspNetUsers",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PendingEmail",
                table: "AspNetUsers",
                type: "character varying(256)",
                maxLength: 256,
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

            migrationBuilder.DropColumn(
                name: "EmailChangeRequestedAt",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "EmailChangeTokenHash",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "PendingEmail",
                table: "AspNetUsers");
        }
    }
}
