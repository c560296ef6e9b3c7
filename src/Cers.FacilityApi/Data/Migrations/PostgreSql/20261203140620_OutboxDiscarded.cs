using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cers.FacilityApi.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class OutboxDiscarded : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DiscardedAt",
                table: "EmailOutbox",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DiscardedBy",
                table: "EmailOutbox",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DiscardedAt",
                table: "EmailOutbox");

            migrationBuilder.DropColumn(
                name: "DiscardedBy",
                table: "EmailOutbox");
        }
    }
}
